//! The organisations and groups of states that make statements, with
//! their membership over time: a data table of facts, kept apart from the
//! code that finds names.

/// Kind of a group party.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GroupKind {
    /// An international organisation with a treaty and a secretariat.
    Organisation,
    /// An informal group of states (G7, the Quad, C5+1).
    Group,
}

/// A member of a group, with the day it joined or left when that changed.
#[derive(Debug, Clone, Copy)]
pub struct Member {
    /// Alpha-2 code.
    pub code: &'static str,
    /// First day of membership (ISO 8601), when it began in living memory.
    pub since: Option<&'static str>,
    /// Last day of membership.
    pub until: Option<&'static str>,
}

const fn m(code: &'static str) -> Member {
    Member {
        code,
        since: None,
        until: None,
    }
}

/// An organisation or group that can make a statement.
#[derive(Debug)]
pub struct Group {
    /// Party id.
    pub code: &'static str,
    /// Organisation or informal group.
    pub kind: GroupKind,
    /// Names and abbreviations beyond those of the CLDR tables.
    pub names: &'static [&'static str],
    /// Members, when the group has a fixed membership.
    pub members: &'static [Member],
}

/// Organisations and groups of states, with their membership (a data table
/// of facts: who is in the G7, who joined ASEAN when). The EU's and the UN's
/// names in every language also come from CLDR (`organisations.tsv`).
pub static GROUPS: &[Group] = &[
    Group {
        code: "EU",
        kind: GroupKind::Organisation,
        names: &[
            "EU",
            "European Council",
            "European Commission",
            "ЕС",
            "欧盟",
            "الاتحاد الأوروبي",
            "UE",
            "ЕУ",
            "EU-",
        ],
        members: &[
            m("AT"),
            m("BE"),
            m("BG"),
            Member {
                code: "HR",
                since: Some("2013-07-01"),
                until: None,
            },
            m("CY"),
            m("CZ"),
            m("DK"),
            m("EE"),
            m("FI"),
            m("FR"),
            m("DE"),
            m("GR"),
            m("HU"),
            m("IE"),
            m("IT"),
            m("LV"),
            m("LT"),
            m("LU"),
            m("MT"),
            m("NL"),
            m("PL"),
            m("PT"),
            m("RO"),
            m("SK"),
            m("SI"),
            m("ES"),
            m("SE"),
            Member {
                code: "GB",
                since: None,
                until: Some("2020-01-31"),
            },
        ],
    },
    Group {
        code: "UN",
        kind: GroupKind::Organisation,
        names: &["UN", "ООН", "联合国", "الأمم المتحدة"],
        members: &[],
    },
    Group {
        code: "ASEAN",
        kind: GroupKind::Organisation,
        names: &[
            "ASEAN",
            "Association of Southeast Asian Nations",
            "Association of South East Asian Nations",
            "АСЕАН",
            "东盟",
            "東盟",
            "东南亚国家联盟",
            "آسيان",
            "ANASE",
            "ASEAN Member States",
        ],
        members: &[
            m("BN"),
            m("KH"),
            m("ID"),
            m("LA"),
            m("MY"),
            m("MM"),
            m("PH"),
            m("SG"),
            m("TH"),
            m("VN"),
            Member {
                code: "TL",
                since: Some("2025-10-26"),
                until: None,
            },
        ],
    },
    Group {
        code: "EAEU",
        kind: GroupKind::Organisation,
        names: &[
            "Eurasian Economic Union",
            "EAEU",
            "EEU",
            "Евразийский экономический союз",
            "ЕАЭС",
            "Еуразиялық экономикалық одақ",
        ],
        members: &[m("AM"), m("BY"), m("KZ"), m("KG"), m("RU")],
    },
    Group {
        code: "NATO",
        kind: GroupKind::Organisation,
        names: &[
            "North Atlantic Treaty Organization",
            "North Atlantic Treaty Organisation",
            "NATO",
            "НАТО",
            "OTAN",
            "北约",
            "الناتو",
        ],
        members: &[
            m("AL"),
            m("BE"),
            m("BG"),
            m("CA"),
            m("HR"),
            m("CZ"),
            m("DK"),
            m("EE"),
            Member {
                code: "FI",
                since: Some("2023-04-04"),
                until: None,
            },
            m("FR"),
            m("DE"),
            m("GR"),
            m("HU"),
            m("IS"),
            m("IT"),
            m("LV"),
            m("LT"),
            m("LU"),
            Member {
                code: "ME",
                since: Some("2017-06-05"),
                until: None,
            },
            m("NL"),
            Member {
                code: "MK",
                since: Some("2020-03-27"),
                until: None,
            },
            m("NO"),
            m("PL"),
            m("PT"),
            m("RO"),
            m("SK"),
            m("SI"),
            m("ES"),
            Member {
                code: "SE",
                since: Some("2024-03-07"),
                until: None,
            },
            m("TR"),
            m("GB"),
            m("US"),
        ],
    },
    Group {
        code: "AFRICAN-UNION",
        kind: GroupKind::Organisation,
        names: &[
            "African Union",
            "Union africaine",
            "Африканский союз",
            "非洲联盟",
            "非盟",
            "الاتحاد الأفريقي",
        ],
        members: &[],
    },
    Group {
        code: "OSCE",
        kind: GroupKind::Organisation,
        names: &[
            "Organization for Security and Co-operation in Europe",
            "OSCE",
            "ОБСЕ",
            "欧安组织",
        ],
        members: &[],
    },
    Group {
        code: "SCO",
        kind: GroupKind::Organisation,
        names: &[
            "Shanghai Cooperation Organisation",
            "Shanghai Cooperation Organization",
            "ШОС",
            "Шанхайская организация сотрудничества",
            "上海合作组织",
            "上合组织",
        ],
        members: &[],
    },
    Group {
        code: "CIS",
        kind: GroupKind::Organisation,
        names: &[
            "Commonwealth of Independent States",
            "СНГ",
            "Содружество Независимых Государств",
            "独联体",
        ],
        members: &[],
    },
    Group {
        code: "GCC",
        kind: GroupKind::Organisation,
        names: &[
            "Gulf Cooperation Council",
            "GCC",
            "Cooperation Council for the Arab States of the Gulf",
            "مجلس التعاون لدول الخليج العربية",
            "مجلس التعاون الخليجي",
            "ССАГПЗ",
            "海合会",
        ],
        members: &[m("BH"), m("KW"), m("OM"), m("QA"), m("SA"), m("AE")],
    },
    Group {
        code: "G7",
        kind: GroupKind::Group,
        names: &[
            "G7",
            "G-7",
            "Group of Seven",
            "Г7",
            "Группа семи",
            "Большая семерка",
            "七国集团",
            "G7集团",
            "مجموعة السبع",
        ],
        members: &[
            m("CA"),
            m("FR"),
            m("DE"),
            m("IT"),
            m("JP"),
            m("GB"),
            m("US"),
        ],
    },
    Group {
        code: "G20",
        kind: GroupKind::Group,
        names: &[
            "G20",
            "G-20",
            "Group of Twenty",
            "Г20",
            "Группа двадцати",
            "二十国集团",
            "مجموعة العشرين",
        ],
        members: &[
            m("AR"),
            m("AU"),
            m("BR"),
            m("CA"),
            m("CN"),
            m("FR"),
            m("DE"),
            m("IN"),
            m("ID"),
            m("IT"),
            m("JP"),
            m("KR"),
            m("MX"),
            m("RU"),
            m("SA"),
            m("ZA"),
            m("TR"),
            m("GB"),
            m("US"),
        ],
    },
    Group {
        code: "BRICS",
        kind: GroupKind::Group,
        names: &["BRICS", "БРИКС", "金砖国家", "بريكس"],
        members: &[
            m("BR"),
            m("RU"),
            m("IN"),
            m("CN"),
            m("ZA"),
            Member {
                code: "EG",
                since: Some("2024-01-01"),
                until: None,
            },
            Member {
                code: "ET",
                since: Some("2024-01-01"),
                until: None,
            },
            Member {
                code: "IR",
                since: Some("2024-01-01"),
                until: None,
            },
            Member {
                code: "AE",
                since: Some("2024-01-01"),
                until: None,
            },
            Member {
                code: "ID",
                since: Some("2025-01-06"),
                until: None,
            },
        ],
    },
    Group {
        code: "QUAD",
        kind: GroupKind::Group,
        names: &[
            "Quad",
            "Quadrilateral Security Dialogue",
            "QUAD",
            "四方安全对话",
        ],
        members: &[m("AU"), m("IN"), m("JP"), m("US")],
    },
    Group {
        code: "AUKUS",
        kind: GroupKind::Group,
        names: &["AUKUS"],
        members: &[m("AU"), m("GB"), m("US")],
    },
    Group {
        code: "I2U2",
        kind: GroupKind::Group,
        names: &["I2U2"],
        members: &[m("IN"), m("IL"), m("AE"), m("US")],
    },
    Group {
        code: "NB8",
        kind: GroupKind::Group,
        names: &[
            "Nordic-Baltic Eight",
            "NB8",
            "NB 8",
            "Nordic-Baltic",
            "Nordic–Baltic",
            "Nordic and Baltic",
        ],
        members: &[
            m("DK"),
            m("EE"),
            m("FI"),
            m("IS"),
            m("LV"),
            m("LT"),
            m("NO"),
            m("SE"),
        ],
    },
    Group {
        code: "NORDIC",
        kind: GroupKind::Group,
        names: &["Nordic countries", "Nordic", "Norden", "Nordiska"],
        members: &[m("DK"), m("FI"), m("IS"), m("NO"), m("SE")],
    },
    Group {
        code: "BALTIC",
        kind: GroupKind::Group,
        names: &["Baltic states", "Baltic"],
        members: &[m("EE"), m("LV"), m("LT")],
    },
    Group {
        code: "C5-1",
        kind: GroupKind::Group,
        names: &["C5+1", "C5 + 1", "С5+1", "Центральная Азия + США"],
        members: &[m("KZ"), m("KG"), m("TJ"), m("TM"), m("UZ"), m("US")],
    },
    Group {
        code: "C5",
        kind: GroupKind::Group,
        names: &["C5", "С5"],
        members: &[m("KZ"), m("KG"), m("TJ"), m("TM"), m("UZ")],
    },
    Group {
        code: "V4",
        kind: GroupKind::Group,
        names: &["Visegrad Group", "Visegrád Group", "V4", "Visegrad Four"],
        members: &[m("CZ"), m("HU"), m("PL"), m("SK")],
    },
    Group {
        code: "BENELUX",
        kind: GroupKind::Group,
        names: &["Benelux"],
        members: &[m("BE"), m("NL"), m("LU")],
    },
];
