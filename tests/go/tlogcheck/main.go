// Command tlogcheck checks a C2SP tlog-tiles log written by docseal with Go's
// golang.org/x/mod/sumdb/tlog, which docseal's code does not share.
//
//	tlogcheck DIR MANIFEST
//
// DIR holds the log's tiles and entry bundles at their C2SP paths
// (tile/<L>/<N>[.p/<W>], tile/entries/<N>[.p/<W>]); Go names the same tiles
// tile/8/<L>/<N>[.p/<W>], with the height. MANIFEST has one line per claim
// docseal made:
//
//	size N ROOT                 the tree of the first N entries has root ROOT
//	inclusion N I P1,P2,...     docseal's proof that entry I is in tree N
//	consistency M N P1,P2,...   docseal's proof that tree M is a prefix of tree N
//
// (hashes in hex, "-" for an empty proof; sizes in increasing order). From
// the entries in the bundles, tlogcheck builds its own tree with
// tlog.StoredHashes and checks each claim: the root with tlog.TreeHash, the
// bytes of every tile the log must have published at each size (tlog.NewTiles,
// tlog.ReadTileData) and that there are no others, that tlog.TileHashReader
// accepts docseal's tiles for the tree, and that docseal's proofs are the ones
// tlog.ProveRecord and tlog.ProveTree make from those tiles and pass
// tlog.CheckRecord and tlog.CheckTree. It prints a count of what it checked,
// and exits 1 at the first difference.
package main

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"golang.org/x/mod/sumdb/tlog"
)

const height = 8

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: tlogcheck DIR MANIFEST")
		os.Exit(2)
	}
	if err := run(os.Args[1], os.Args[2]); err != nil {
		fmt.Fprintln(os.Stderr, "tlogcheck:", err)
		os.Exit(1)
	}
}

type claim struct {
	kind  string
	a, b  int64
	root  tlog.Hash
	proof []tlog.Hash
}

// c2spPath drops the height from Go's tile path.
func c2spPath(t tlog.Tile) string {
	p := t.Path()
	prefix := fmt.Sprintf("tile/%d/", height)
	if !strings.HasPrefix(p, prefix) {
		panic("unexpected tile path " + p)
	}
	return "tile/" + strings.TrimPrefix(p, prefix)
}

// dirTiles serves docseal's tiles to tlog.TileHashReader.
type dirTiles struct {
	dir string
}

func (d *dirTiles) Height() int { return height }

func (d *dirTiles) ReadTiles(tiles []tlog.Tile) ([][]byte, error) {
	out := make([][]byte, len(tiles))
	for i, t := range tiles {
		data, err := os.ReadFile(filepath.Join(d.dir, c2spPath(t)))
		if err != nil {
			return nil, err
		}
		out[i] = data
	}
	return out, nil
}

func (d *dirTiles) SaveTiles([]tlog.Tile, [][]byte) {}

func parseHash(s string) (tlog.Hash, error) {
	var h tlog.Hash
	b, err := hex.DecodeString(s)
	if err != nil || len(b) != tlog.HashSize {
		return h, fmt.Errorf("bad hash %q", s)
	}
	copy(h[:], b)
	return h, nil
}

func parseProof(s string) ([]tlog.Hash, error) {
	if s == "-" {
		return nil, nil
	}
	var out []tlog.Hash
	for _, f := range strings.Split(s, ",") {
		h, err := parseHash(f)
		if err != nil {
			return nil, err
		}
		out = append(out, h)
	}
	return out, nil
}

func readManifest(path string) ([]claim, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var claims []claim
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		line := sc.Text()
		fields := strings.Fields(line)
		bad := fmt.Errorf("bad manifest line %q", line)
		if len(fields) < 3 {
			return nil, bad
		}
		c := claim{kind: fields[0]}
		var errs [3]error
		c.a, errs[0] = strconv.ParseInt(fields[1], 10, 64)
		switch {
		case c.kind == "size" && len(fields) == 3:
			c.root, errs[1] = parseHash(fields[2])
		case (c.kind == "inclusion" || c.kind == "consistency") && len(fields) == 4:
			c.b, errs[1] = strconv.ParseInt(fields[2], 10, 64)
			c.proof, errs[2] = parseProof(fields[3])
		default:
			return nil, bad
		}
		for _, err := range errs {
			if err != nil {
				return nil, bad
			}
		}
		claims = append(claims, c)
	}
	return claims, sc.Err()
}

// readEntries decodes the entry bundles of a log of n entries: big-endian
// uint16 lengths, each followed by the entry.
func readEntries(dir string, n int64) ([][]byte, error) {
	var entries [][]byte
	for index := int64(0); index*256 < n; index++ {
		w := n - index*256
		if w > 256 {
			w = 256
		}
		t := tlog.Tile{H: height, L: -1, N: index, W: int(w)}
		path := "tile/entries/" + strings.TrimPrefix(t.Path(), fmt.Sprintf("tile/%d/data/", height))
		data, err := os.ReadFile(filepath.Join(dir, path))
		if err != nil {
			return nil, err
		}
		for i := int64(0); i < w; i++ {
			if len(data) < 2 {
				return nil, fmt.Errorf("%s: truncated", path)
			}
			l := int(binary.BigEndian.Uint16(data))
			if len(data) < 2+l {
				return nil, fmt.Errorf("%s: truncated", path)
			}
			entries = append(entries, data[2:2+l])
			data = data[2+l:]
		}
		if len(data) != 0 {
			return nil, fmt.Errorf("%s: %d trailing bytes", path, len(data))
		}
	}
	return entries, nil
}

func run(dir, manifest string) error {
	claims, err := readManifest(manifest)
	if err != nil {
		return err
	}
	var sizes []int64
	roots := map[int64]tlog.Hash{}
	for _, c := range claims {
		if c.kind == "size" {
			sizes = append(sizes, c.a)
			roots[c.a] = c.root
		}
	}
	if len(sizes) == 0 {
		return fmt.Errorf("no sizes in the manifest")
	}
	last := sizes[len(sizes)-1]
	storage, err := ownTree(dir, last)
	if err != nil {
		return err
	}
	published, err := checkTiles(dir, sizes, roots, storage)
	if err != nil {
		return err
	}
	written, err := checkNoOtherTiles(dir, published)
	if err != nil {
		return err
	}
	inclusions, consistencies, err := checkClaims(dir, claims, roots, storage)
	if err != nil {
		return err
	}
	fmt.Printf("tlogcheck: %d sizes up to %d, %d tiles, %d inclusion and %d consistency proofs agree\n",
		len(sizes), last, written, inclusions, consistencies)
	return nil
}

// hashes reads Go's stored hashes.
type hashes []tlog.Hash

func (s hashes) ReadHashes(indexes []int64) ([]tlog.Hash, error) {
	out := make([]tlog.Hash, len(indexes))
	for i, x := range indexes {
		if x < 0 || x >= int64(len(s)) {
			return nil, fmt.Errorf("hash %d not stored", x)
		}
		out[i] = s[x]
	}
	return out, nil
}

// ownTree is Go's own tree of the first n entries, as the bundles hold them.
func ownTree(dir string, n int64) (hashes, error) {
	entries, err := readEntries(dir, n)
	if err != nil {
		return nil, err
	}
	var storage hashes
	for i, e := range entries {
		h, err := tlog.StoredHashes(int64(i), e, storage)
		if err != nil {
			return nil, err
		}
		storage = append(storage, h...)
	}
	return storage, nil
}

// checkTiles compares each size's root with Go's, and the bytes of every
// tile of each size with Go's; it returns the paths of those tiles.
func checkTiles(dir string, sizes []int64, roots map[int64]tlog.Hash, own hashes) (map[string]bool, error) {
	published := map[string]bool{}
	prev := int64(0)
	for _, n := range sizes {
		want, err := tlog.TreeHash(n, own)
		if err != nil {
			return nil, err
		}
		if want != roots[n] {
			return nil, fmt.Errorf("size %d: docseal's root %v, Go's %v", n, roots[n], want)
		}
		for _, t := range tlog.NewTiles(height, prev, n) {
			// NewTiles lists every width between the two sizes (a Go
			// server publishes them all); docseal writes those of size n.
			if t.W != 1<<height && int64(t.W) != n>>(height*t.L)-t.N<<height {
				continue
			}
			want, err := tlog.ReadTileData(t, own)
			if err != nil {
				return nil, err
			}
			got, err := os.ReadFile(filepath.Join(dir, c2spPath(t)))
			if err != nil {
				return nil, fmt.Errorf("size %d: %v", n, err)
			}
			if !bytes.Equal(got, want) {
				return nil, fmt.Errorf("size %d: %s differs from Go's tile %s", n, c2spPath(t), t.Path())
			}
			published[c2spPath(t)] = true
		}
		prev = n
	}
	return published, nil
}

// checkNoOtherTiles refuses any hash tile that is not one of some size's,
// and counts them.
func checkNoOtherTiles(dir string, published map[string]bool) (int, error) {
	written := 0
	err := filepath.WalkDir(filepath.Join(dir, "tile"), func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil || strings.HasPrefix(rel, "tile/entries/") {
			return err
		}
		written++
		if !published[rel] {
			return fmt.Errorf("%s is not a tile of any size", rel)
		}
		return nil
	})
	return written, err
}

// checkClaims reads docseal's tiles through Go's authenticating tile reader
// and compares docseal's proofs with Go's, and checks them.
func checkClaims(dir string, claims []claim, roots map[int64]tlog.Hash, own hashes) (int, int, error) {
	tiles := &dirTiles{dir: dir}
	reader := func(n int64) tlog.HashReader {
		return tlog.TileHashReader(tlog.Tree{N: n, Hash: roots[n]}, tiles)
	}
	inclusions, consistencies := 0, 0
	for _, c := range claims {
		switch c.kind {
		case "size":
			h, err := tlog.TreeHash(c.a, reader(c.a))
			if err != nil || h != c.root {
				return 0, 0, fmt.Errorf("size %d: Go's tile reader: %v %v", c.a, h, err)
			}
		case "inclusion":
			n, i := c.a, c.b
			p, err := tlog.ProveRecord(n, i, reader(n))
			if err != nil {
				return 0, 0, fmt.Errorf("inclusion %d in %d: %v", i, n, err)
			}
			if !equal(p, c.proof) {
				return 0, 0, fmt.Errorf("inclusion %d in %d: docseal's proof differs from Go's", i, n)
			}
			if err := tlog.CheckRecord(c.proof, n, roots[n], i, own[tlog.StoredHashIndex(0, i)]); err != nil {
				return 0, 0, fmt.Errorf("inclusion %d in %d: %v", i, n, err)
			}
			inclusions++
		case "consistency":
			m, n := c.a, c.b
			p, err := tlog.ProveTree(n, m, reader(n))
			if err != nil {
				return 0, 0, fmt.Errorf("consistency %d -> %d: %v", m, n, err)
			}
			if !equal(p, c.proof) {
				return 0, 0, fmt.Errorf("consistency %d -> %d: docseal's proof differs from Go's", m, n)
			}
			if err := tlog.CheckTree(c.proof, n, roots[n], m, roots[m]); err != nil {
				return 0, 0, fmt.Errorf("consistency %d -> %d: %v", m, n, err)
			}
			consistencies++
		}
	}
	return inclusions, consistencies, nil
}

func equal(a, b []tlog.Hash) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
