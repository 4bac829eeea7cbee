//! RFC 9162 Merkle tree hashing: the Certificate Transparency test vectors
//! (leaves and roots of trees of 0 to 8 leaves, known-answer proofs from
//! transparency-dev/merkle), proofs checked against a direct transcription of
//! the RFC's definitions — computed from the list of leaves
//! (`archive::merkle`) and from C2SP tiles (`tlog`).
#![allow(clippy::unwrap_used)]

use docseal::archive::merkle::{self, Hash};
use docseal::tlog::{self, MemoryTiles, Tree};
use sha2::{Digest, Sha256};

/// The eight leaves of the CT test suite (RFC 6962 test data).
const LEAVES: [&str; 8] = [
    "",
    "00",
    "10",
    "2021",
    "3031",
    "40414243",
    "5051525354555657",
    "606162636465666768696a6b6c6d6e6f",
];

/// Roots of the trees over the first n leaves, n = 1..=8.
const ROOTS: [&str; 8] = [
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
];

fn unhex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

fn leaves(n: usize) -> Vec<Hash> {
    LEAVES[..n]
        .iter()
        .map(|l| merkle::leaf_hash(&unhex(l)))
        .collect()
}

/// MTH exactly as RFC 9162 §2.1.1 writes it, on the raw data.
fn mth(data: &[Vec<u8>]) -> Hash {
    match data.len() {
        0 => Sha256::digest(b"").into(),
        1 => Sha256::digest([&[0u8][..], &data[0]].concat()).into(),
        n => {
            let k = (0..)
                .map(|i| 1usize << i)
                .take_while(|&p| p < n)
                .last()
                .unwrap();
            Sha256::digest([&[1u8][..], &mth(&data[..k]), &mth(&data[k..])].concat()).into()
        }
    }
}

#[test]
fn empty_tree() {
    assert_eq!(
        docseal::digest::hex(&merkle::root(&[])),
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    );
}

#[test]
fn roots_of_1_to_8_leaves() {
    for n in 1..=8 {
        assert_eq!(
            docseal::digest::hex(&merkle::root(&leaves(n))),
            ROOTS[n - 1],
            "{n} leaves"
        );
        let data: Vec<Vec<u8>> = LEAVES[..n].iter().map(|l| unhex(l)).collect();
        assert_eq!(
            merkle::root(&leaves(n)),
            mth(&data),
            "{n} leaves vs the RFC's definition"
        );
    }
}

#[test]
fn inclusion_proofs_of_every_leaf_for_1_2_3_7_8() {
    for n in [1usize, 2, 3, 7, 8] {
        let l = leaves(n);
        let root = merkle::root(&l);
        for m in 0..n {
            let proof = merkle::inclusion_proof(m, &l);
            assert!(
                merkle::verify_inclusion(m as u64, n as u64, &l[m], &proof, &root),
                "leaf {m} of {n}"
            );
            // Any other leaf, index, size or a flipped bit fails.
            let other = (m + 1) % n;
            if other != m {
                assert!(!merkle::verify_inclusion(
                    m as u64, n as u64, &l[other], &proof, &root
                ));
                assert!(!merkle::verify_inclusion(
                    other as u64,
                    n as u64,
                    &l[m],
                    &proof,
                    &root
                ));
            }
            if let Some(first) = proof.first() {
                let mut bad = proof.clone();
                bad[0][0] ^= 1;
                assert!(!merkle::verify_inclusion(
                    m as u64, n as u64, &l[m], &bad, &root
                ));
                assert_ne!(first, &[0u8; 32]);
            }
        }
    }
    // Known path lengths from the CT suite: leaf 0 of 8 needs 3 hashes, leaf 6 of 7 needs 2.
    assert_eq!(merkle::inclusion_proof(0, &leaves(8)).len(), 3);
    assert_eq!(merkle::inclusion_proof(6, &leaves(7)).len(), 2);
}

#[test]
fn consistency_proofs_between_all_sizes_up_to_8() {
    let all = leaves(8);
    for new in 1..=8usize {
        let new_root = merkle::root(&all[..new]);
        for old in 1..=new {
            let old_root = merkle::root(&all[..old]);
            let proof = merkle::consistency_proof(old, &all[..new]);
            assert!(
                merkle::verify_consistency(old as u64, new as u64, &old_root, &new_root, &proof),
                "{old} -> {new}"
            );
            if old < new {
                let wrong_old = merkle::root(&leaves(8)[1..old + 1]);
                assert!(
                    !merkle::verify_consistency(
                        old as u64, new as u64, &wrong_old, &new_root, &proof
                    ),
                    "{old} -> {new} with a wrong old root"
                );
            }
        }
    }
    // Sizes from the CT suite: 1 -> 8 takes 3 hashes, 6 -> 8 takes 3, 2 -> 5 takes 2.
    assert_eq!(merkle::consistency_proof(1, &all).len(), 3);
    assert_eq!(merkle::consistency_proof(6, &all).len(), 3);
    assert_eq!(merkle::consistency_proof(2, &all[..5]).len(), 2);
}

/// The tiles of the CT leaves appended one by one, keeping every size's
/// partial tiles (as a log does for each checkpoint).
fn tiled() -> MemoryTiles {
    let mut store = MemoryTiles::new();
    let mut tree = Tree::empty();
    for leaf in leaves(8) {
        let appended = tlog::append(&store, &tree, &[leaf]).unwrap();
        tree = appended.tree;
        store.apply(appended);
    }
    store
}

fn unhex_hash(s: &str) -> Hash {
    unhex(s).try_into().unwrap()
}

#[test]
fn tiled_roots_of_0_to_8_leaves() {
    let store = tiled();
    assert_eq!(tlog::root(&store, 0).unwrap(), merkle::root(&[]));
    for n in 1..=8u64 {
        assert_eq!(
            docseal::digest::hex(&tlog::root(&store, n).unwrap()),
            ROOTS[n as usize - 1],
            "{n} leaves"
        );
    }
    // Appended in one batch instead: the same tree.
    let batch = tlog::append(&MemoryTiles::new(), &Tree::empty(), &leaves(8)).unwrap();
    assert_eq!(docseal::digest::hex(&batch.tree.root), ROOTS[7]);
}

#[derive(serde::Deserialize)]
struct Reference {
    leaves: Vec<String>,
    inclusion: Vec<InclusionVector>,
    consistency: Vec<ConsistencyVector>,
}

#[derive(serde::Deserialize)]
struct InclusionVector {
    index: u64,
    size: u64,
    proof: Vec<String>,
}

#[derive(serde::Deserialize)]
struct ConsistencyVector {
    old: u64,
    new: u64,
    proof: Vec<String>,
}

fn reference() -> Reference {
    let text = std::fs::read_to_string("tests/data/vectors/merkle/reference-proofs.json").unwrap();
    serde_json::from_str(&text).unwrap()
}

/// The known-answer proofs, from the list of leaves and from tiles alike.
#[test]
fn known_answer_proofs() {
    let reference = reference();
    assert_eq!(reference.leaves, LEAVES);
    let all = leaves(8);
    let store = tiled();
    for v in &reference.inclusion {
        let want: Vec<Hash> = v.proof.iter().map(|h| unhex_hash(h)).collect();
        let n = v.size as usize;
        assert_eq!(merkle::inclusion_proof(v.index as usize, &all[..n]), want);
        assert_eq!(
            tlog::inclusion_proof(&store, v.index, v.size).unwrap(),
            want
        );
        let root = unhex_hash(ROOTS[n - 1]);
        assert!(merkle::verify_inclusion(
            v.index,
            v.size,
            &all[v.index as usize],
            &want,
            &root
        ));
    }
    for v in &reference.consistency {
        let want: Vec<Hash> = v.proof.iter().map(|h| unhex_hash(h)).collect();
        assert_eq!(
            merkle::consistency_proof(v.old as usize, &all[..v.new as usize]),
            want
        );
        assert_eq!(tlog::consistency_proof(&store, v.old, v.new).unwrap(), want);
        let (old_root, new_root) = (
            unhex_hash(ROOTS[v.old as usize - 1]),
            unhex_hash(ROOTS[v.new as usize - 1]),
        );
        assert!(merkle::verify_consistency(
            v.old, v.new, &old_root, &new_root, &want
        ));
    }
}

/// Every proof between the CT trees, from tiles, equals the one from the list.
#[test]
fn tiled_proofs_of_all_sizes_up_to_8() {
    let all = leaves(8);
    let store = tiled();
    for new in 1..=8usize {
        for m in 0..new {
            assert_eq!(
                tlog::inclusion_proof(&store, m as u64, new as u64).unwrap(),
                merkle::inclusion_proof(m, &all[..new]),
                "leaf {m} of {new}"
            );
        }
        for old in 0..=new {
            assert_eq!(
                tlog::consistency_proof(&store, old as u64, new as u64).unwrap(),
                merkle::consistency_proof(old, &all[..new]),
                "{old} -> {new}"
            );
        }
    }
}
