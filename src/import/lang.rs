//! Languages of statements: detection from the text (script, then common
//! words), BCP 47 tags, and the few words of each language that the
//! structure of a statement turns on (and, witness, annex, topic markers).

/// A language whose names, dates and numbering import knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Language {
    /// English.
    En,
    /// French.
    Fr,
    /// Spanish.
    Es,
    /// Portuguese.
    Pt,
    /// Italian.
    It,
    /// German.
    De,
    /// Swedish.
    Sv,
    /// Russian.
    Ru,
    /// Ukrainian.
    Uk,
    /// Serbian in Cyrillic.
    SrCyrl,
    /// Serbian in Latin letters.
    SrLatn,
    /// Kazakh (Cyrillic).
    Kk,
    /// Chinese (simplified or traditional).
    Zh,
    /// Arabic.
    Ar,
}

impl Language {
    /// Every language, in table order.
    pub const ALL: [Self; 14] = [
        Self::En,
        Self::Fr,
        Self::Es,
        Self::Pt,
        Self::It,
        Self::De,
        Self::Sv,
        Self::Ru,
        Self::Uk,
        Self::SrCyrl,
        Self::SrLatn,
        Self::Kk,
        Self::Zh,
        Self::Ar,
    ];

    /// The BCP 47 tag written in the statement.
    pub fn tag(self) -> &'static str {
        match self {
            Self::En => "en",
            Self::Fr => "fr",
            Self::Es => "es",
            Self::Pt => "pt",
            Self::It => "it",
            Self::De => "de",
            Self::Sv => "sv",
            Self::Ru => "ru",
            Self::Uk => "uk",
            Self::SrCyrl => "sr-Cyrl",
            Self::SrLatn => "sr-Latn",
            Self::Kk => "kk",
            Self::Zh => "zh",
            Self::Ar => "ar",
        }
    }

    /// The language of a BCP 47 tag (`sr-Latn`, `zh-Hant-TW`, `en-GB`), if known.
    pub fn from_tag(tag: &str) -> Option<Self> {
        let lower = tag.to_ascii_lowercase();
        let mut parts = lower.split(['-', '_']);
        let primary = parts.next()?;
        let rest: Vec<&str> = parts.collect();
        Some(match primary {
            "en" => Self::En,
            "fr" => Self::Fr,
            "es" => Self::Es,
            "pt" => Self::Pt,
            "it" => Self::It,
            "de" => Self::De,
            "sv" => Self::Sv,
            "ru" => Self::Ru,
            "uk" => Self::Uk,
            "sr" if rest.contains(&"latn") => Self::SrLatn,
            "sr" => Self::SrCyrl,
            "kk" => Self::Kk,
            "zh" => Self::Zh,
            "ar" => Self::Ar,
            _ => return None,
        })
    }

    /// Does the language inflect names ("Республики Казахстан", "Sveriges")?
    pub(crate) fn inflects(self) -> bool {
        !matches!(
            self,
            Self::En | Self::Zh | Self::Fr | Self::Es | Self::Pt | Self::It
        )
    }

    /// Words that join the items of a list ("A, B and C").
    pub(crate) fn and_words(self) -> &'static [&'static str] {
        match self {
            Self::En => &["and", "&"],
            Self::Fr => &["et"],
            Self::Es => &["y", "e"],
            Self::Pt => &["e"],
            Self::It => &["e", "ed"],
            Self::De => &["und", "sowie"],
            Self::Sv => &["och", "samt"],
            Self::Ru => &["и"],
            Self::Uk => &["і", "та", "й"],
            Self::SrCyrl => &["и"],
            Self::SrLatn => &["i"],
            Self::Kk => &["және", "мен", "пен", "бен"],
            Self::Zh => &["和", "与", "及", "同"],
            Self::Ar => &["و"],
        }
    }

    /// Prepositions after which a country is a place or a topic, not a
    /// speaker ("visit to Kazakhstan", "war against Ukraine").
    pub(crate) fn place_words(self) -> &'static [&'static str] {
        match self {
            Self::En => &[
                "in",
                "at",
                "to",
                "into",
                "across",
                "against",
                "for",
                "toward",
                "towards",
                "near",
                "within",
                "throughout",
                "on",
                "over",
                "about",
                "regarding",
                "concerning",
            ],
            Self::Fr => &[
                "à", "en", "au", "aux", "dans", "vers", "contre", "pour", "sur",
            ],
            Self::Es => &["en", "a", "hacia", "contra", "para", "sobre"],
            Self::Pt => &["em", "no", "na", "a", "para", "contra", "sobre"],
            Self::It => &["in", "a", "verso", "contro", "per", "su"],
            Self::De => &["in", "nach", "gegen", "für", "über", "zu"],
            Self::Sv => &["i", "till", "mot", "för", "om"],
            Self::Ru | Self::SrCyrl | Self::Uk => &[
                "в",
                "во",
                "на",
                "против",
                "для",
                "к",
                "у",
                "о",
                "об",
                "проти",
            ],
            Self::SrLatn => &["u", "na", "protiv", "za", "o"],
            Self::Kk => &[],
            Self::Zh => &["在", "对", "向", "赴", "访问"],
            Self::Ar => &["في", "إلى", "ضد", "على"],
        }
    }

    /// Words after which a title names its topic, not its authors
    /// ("Joint Statement … on Ukraine", "…关于建立外交关系…").
    pub(crate) fn topic_words(self) -> &'static [&'static str] {
        match self {
            Self::En => &["on", "regarding", "concerning", "about", "following"],
            Self::Fr => &["sur", "concernant", "relative", "relatif", "à l'occasion"],
            Self::Es => &["sobre", "relativa", "relativo", "con motivo"],
            Self::Pt => &["sobre", "relativa", "relativo"],
            Self::It => &["sulla", "sul", "su", "relativa"],
            Self::De => &["zu", "zur", "zum", "über", "anlässlich", "betreffend"],
            Self::Sv => &["om", "angående", "med anledning"],
            Self::Ru | Self::Uk => &["о", "об", "по", "относительно", "щодо", "про"],
            Self::SrCyrl => &["о", "поводом"],
            Self::SrLatn => &["o", "povodom"],
            Self::Kk => &["туралы"],
            Self::Zh => &["关于", "關於", "就"],
            Self::Ar => &["حول", "بشأن"],
        }
    }
}

/// Words that make a country a witness when they come before it in the
/// same sentence ("as witnessed by the President of the United States").
pub(crate) const WITNESS_WORDS: &[&str] = &[
    "witness",
    "in the presence of",
    "témoin",
    "en présence de",
    "testigo",
    "en presencia de",
    "testemunha",
    "na presença de",
    "testimone",
    "alla presenza di",
    "zeuge",
    "im beisein",
    "in anwesenheit",
    "vittne",
    "i närvaro av",
    "свидетел",
    "в присутствии",
    "у присуству",
    "сведок",
    "svedok",
    "u prisustvu",
    "свідок",
    "у присутності",
    "куә",
    "қатысуымен",
    "见证",
    "見證",
    "شاهد",
    "بحضور",
];

/// Headings that open a section numbered on its own ("Annex: Plan of Action").
pub(crate) const ANNEX_WORDS: &[&str] = &[
    "annex",
    "appendix",
    "attachment",
    "plan of action",
    "action plan",
    "annexe",
    "appendice",
    "anexo",
    "apéndice",
    "apendice",
    "anhang",
    "anlage",
    "bilaga",
    "приложение",
    "додаток",
    "прилог",
    "prilog",
    "қосымша",
    "附件",
    "附录",
    "ملحق",
    "مرفق",
];

/// Detects the language of `text` from its first 64 KiB: the script first,
/// then the most frequent common words.
pub fn detect(text: &str) -> Language {
    let sample = super::head(text, 65_536);
    let (mut han, mut arabic, mut cyrillic, mut latin) = (0usize, 0usize, 0usize, 0usize);
    let (mut kk, mut uk, mut sr) = (0usize, 0usize, 0usize);
    for c in sample.chars() {
        match c {
            '\u{4e00}'..='\u{9fff}' | '\u{3400}'..='\u{4dbf}' => han += 1,
            '\u{0600}'..='\u{06ff}' => arabic += 1,
            '\u{0400}'..='\u{04ff}' => {
                cyrillic += 1;
                match c {
                    'ә' | 'ғ' | 'қ' | 'ң' | 'ө' | 'ұ' | 'ү' | 'һ' | 'Ә' | 'Ғ' | 'Қ' | 'Ң' | 'Ө'
                    | 'Ұ' | 'Ү' => kk += 1,
                    'ї' | 'є' | 'ґ' | 'Ї' | 'Є' | 'Ґ' => uk += 1,
                    'ђ' | 'ј' | 'љ' | 'њ' | 'ћ' | 'џ' | 'Ђ' | 'Ј' | 'Љ' | 'Њ' | 'Ћ' | 'Џ' => {
                        sr += 1
                    }
                    _ => {}
                }
            }
            c if c.is_alphabetic() && c.is_ascii() => latin += 1,
            _ => {}
        }
    }
    let letters = han + arabic + cyrillic + latin;
    if han * 5 > letters {
        return Language::Zh;
    }
    if arabic * 2 > letters {
        return Language::Ar;
    }
    if cyrillic * 2 > letters {
        return if kk * 200 > cyrillic {
            Language::Kk
        } else if sr * 200 > cyrillic {
            Language::SrCyrl
        } else if uk * 200 > cyrillic {
            Language::Uk
        } else {
            Language::Ru
        };
    }
    latin_language(sample)
}

/// The commonest words of each Latin-script language.
const LATIN_WORDS: &[(Language, &[&str])] = &[
    (
        Language::En,
        &["the", "and", "of", "to", "we", "is", "with", "our", "that"],
    ),
    (
        Language::Fr,
        &[
            "le", "la", "les", "des", "et", "du", "une", "est", "nous", "pour",
        ],
    ),
    (
        Language::Es,
        &[
            "el", "los", "las", "del", "y", "que", "una", "por", "con", "para",
        ],
    ),
    (
        Language::Pt,
        &[
            "os", "da", "do", "das", "dos", "não", "uma", "com", "para", "que",
        ],
    ),
    (
        Language::It,
        &[
            "il", "della", "che", "di", "per", "delle", "gli", "nel", "sono",
        ],
    ),
    (
        Language::De,
        &[
            "der", "die", "und", "das", "den", "ist", "mit", "wir", "des", "zu",
        ],
    ),
    (
        Language::Sv,
        &[
            "och", "att", "det", "som", "för", "är", "av", "på", "med", "vi", "från", "till", "om",
            "den", "ett", "i",
        ],
    ),
    (
        Language::SrLatn,
        &["i", "je", "da", "se", "na", "za", "su", "od", "sa", "koji"],
    ),
];

/// Latin-script languages by their commonest words: the language more of
/// whose words the sample uses (on a tie, the first in the table), else
/// English.
fn latin_language(sample: &str) -> Language {
    let mut scores = [0usize; LATIN_WORDS.len()];
    for word in sample
        .split(|c: char| !c.is_alphabetic())
        .filter(|w| !w.is_empty() && w.len() <= 6)
    {
        let lower = word.to_lowercase();
        for (i, (_, words)) in LATIN_WORDS.iter().enumerate() {
            if words.contains(&lower.as_str()) {
                scores[i] += 1;
            }
        }
    }
    let best = (0..LATIN_WORDS.len())
        .max_by_key(|&i| (scores[i], usize::MAX - i))
        .unwrap_or(0);
    if scores[best] == 0 {
        return Language::En;
    }
    LATIN_WORDS[best].0
}

#[cfg(test)]
mod tests {
    use super::*;

    // Invented one-line snippets, one per language: each tests the rule
    // that picks the language, not any real statement.
    #[test]
    fn detects_each_language() {
        for (text, lang) in [
            (
                "The Presidents of the two countries met and agreed that we will cooperate.",
                Language::En,
            ),
            (
                "Les présidents des deux pays se sont réunis et ont convenu de la coopération.",
                Language::Fr,
            ),
            (
                "Los presidentes de los dos países se reunieron y acordaron que la cooperación.",
                Language::Es,
            ),
            (
                "Die Präsidenten der beiden Länder sind zusammengekommen und haben das vereinbart.",
                Language::De,
            ),
            (
                "Presidenterna för de två länderna möttes och enades om att det är viktigt.",
                Language::Sv,
            ),
            (
                "Президенты двух стран встретились и договорились о сотрудничестве.",
                Language::Ru,
            ),
            (
                "Председници две земље састали су се и договорили о сарадњи.",
                Language::SrCyrl,
            ),
            (
                "Predsednici dve zemlje sastali su se i dogovorili da je saradnja važna.",
                Language::SrLatn,
            ),
            (
                "Екі елдің Президенттері кездесіп, ынтымақтастық туралы келісті.",
                Language::Kk,
            ),
            ("两国元首举行会谈，同意加强合作。", Language::Zh),
            ("اتفق رئيسا البلدين على تعزيز التعاون.", Language::Ar),
        ] {
            assert_eq!(detect(text), lang, "{text}");
        }
    }

    #[test]
    fn tags_round_trip() {
        for lang in Language::ALL {
            assert_eq!(Language::from_tag(lang.tag()), Some(lang));
        }
        assert_eq!(Language::from_tag("sr"), Some(Language::SrCyrl));
        assert_eq!(Language::from_tag("zh-Hant-TW"), Some(Language::Zh));
        assert_eq!(Language::from_tag("ja"), None);
    }
}
