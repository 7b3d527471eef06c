"""The radiology meetings, transcribed from ../shared/data/conferences.md (compiled 2026-11-22).

Sourced facts only: a value that the table leaves empty is left out here (unknown, not
none), and every value keeps the source tag it came with. A year written in brackets
in the table (derived from the edition) is noted in `derived`. Dates for meetings the
table gives only as a month ("May [2025]") are left out and said in the name.
`events.seed.conferences_load` writes these rows; the estimates for coming years are
computed afterwards (`events.estimates`) and labelled as estimates.
"""

# ruff: noqa: E501, RUF001 - values are quoted as their sources print them, dashes included.

from __future__ import annotations

from typing import Any

GENERAL: list[str] = []  # general meetings carry no subspecialty: every public feed lists them

CONFERENCES: list[dict[str, Any]] = [
    {
        "slug": "rsna",
        "society": "RSNA",
        "society_name": "Radiological Society of North America",
        "name": "RSNA Scientific Assembly and Annual Meeting",
        "subspecialties": GENERAL,
        "notes": "RSNA sets its deadline at noon US Central time (“12 p.m. CT” for 2026 [RSNA-1]). "
        "Two abstract categories: science and education [RSNA-1]. A 2017 RSNA article says the "
        "call opens in early January and closes in April [RSNA-6] (old). Typical pattern: "
        "Chicago, in the week around 1 December.",
        "sources": "[RSNA-1] https://www.rsna.org/annual-meeting/abstract-submission\n"
        "[RSNA-2] https://press.rsna.org/timssnet/media/pressreleases/14_pr_target.cfm?ID=2561\n"
        "[RSNA-3] https://radiologiemagazin.de/insights/rsna-highlights-2025.html (3rd party)\n"
        "[RSNA-4] https://www.innervision.co.jp/report/rsna/2025/information (3rd party)\n"
        "[RSNA-6] https://www.rsna.org/News.aspx?id=22961 (old)",
        "editions": [
            {
                "year": 2024,
                "name": "110th Scientific Assembly and Annual Meeting; theme “Building Intelligent Connections”",
                "starts_on": "2024-12-01",
                "ends_on": "2024-12-05",
                "city": "McCormick Place, Chicago, USA",
                "sources": {
                    "name": "[RSNA-2]",
                    "starts_on": "[RSNA-2]",
                    "ends_on": "[RSNA-2]",
                    "city": "[RSNA-2]",
                },
            },
            {
                "year": 2025,
                "name": "111th annual meeting; theme “Imaging the Individual”",
                "starts_on": "2025-11-30",
                "ends_on": "2025-12-04",
                "city": "McCormick Place, Chicago",
                "sources": {
                    "name": "[RSNA-3][RSNA-4]",
                    "starts_on": "[RSNA-3]",
                    "ends_on": "[RSNA-3]",
                    "city": "[RSNA-3]",
                },
            },
            {
                "year": 2026,
                "name": "RSNA 2026: At the Center of Care",
                "starts_on": "2026-11-29",
                "ends_on": "2026-12-03",
                "city": "Chicago",
                "url": "https://www.rsna.org/annual-meeting/abstract-submission",
                "sources": {
                    "name": "[RSNA-1]",
                    "starts_on": "[RSNA-1]",
                    "ends_on": "[RSNA-1]",
                    "city": "[RSNA-1]",
                },
                "deadlines": [
                    {
                        "kind": "abstract",
                        "local": "2026-05-06T12:00",
                        "time_zone": "America/Chicago",
                        "stated_as": "May 6, 2026, 12 p.m. CT",
                        "categories": "Science; education",
                        "source": "[RSNA-1]",
                    }
                ],
            },
        ],
    },
    {
        "slug": "ecr",
        "society": "ECR",
        "society_name": "European Society of Radiology (ESR)",
        "name": "European Congress of Radiology",
        "subspecialties": GENERAL,
        "notes": "The ESR gives Central European time (“23:59 CEST”, ECR 2022 call [ECR-1]). In May "
        "2022 the ESR announced July dates for 2023–2025 [ECR-3]; the plan was dropped (ECR 2023 was "
        "“the first March ECR in 4 years” [ECR-5]), so those July dates are not used. Typical "
        "pattern: abstracts close mid-to-late October of the year before; the congress is in "
        "Vienna in late February or early March.",
        "sources": "[ECR-1] https://www.myesr.org/abstracts\n"
        "[ECR-2] https://www.myesr.org/congress/abstract-submission\n"
        "[ECR-3] https://www.auntminnieeurope.com/medical-legal-and-practice/organized-radiology-issues/article/15656686/ (3rd party)\n"
        "[ECR-4] https://meeting.vienna.info/de/warum-wien/nachberichte-showcases/ecr-2023-the-cycle-of-life-448550 (3rd party)\n"
        "[ECR-5] https://www.auntminnieeurope.com/clinical-news/article/15657687/ (3rd party)\n"
        "[ECR-6] https://meeting.vienna.info/de/warum-wien/nachberichte-showcases/ecr-2025-wien-zentrum-fuer-radiologie-867666 (3rd party)\n"
        "[ECR-8] https://www.myesr.org/congress/submit/abstract-submission/",
        "editions": [
            {
                "year": 2022,
                "name": "ECR 2022, theme “Building Bridges”",
                "starts_on": "2022-07-13",
                "ends_on": "2022-07-17",
                "city": "Vienna, Austria",
                "sources": {
                    "name": "[ECR-1]",
                    "starts_on": "[ECR-3]",
                    "ends_on": "[ECR-3]",
                    "city": "[ECR-1][ECR-3]",
                },
                "deadlines": [
                    {
                        "kind": "abstract",
                        "local": "2021-10-17T23:59",
                        "time_zone": "Europe/Vienna",
                        "opens_on": "2021-07-12",
                        "stated_as": "October 17, 2021 23:59 CEST (“Deadline Extended”)",
                        "source": "[ECR-1]",
                    }
                ],
            },
            {
                "year": 2023,
                "name": "ECR 2023, motto “The Cycle of Life”; president Adrian Brady (early March, five days)",
                "city": "Austria Center Vienna",
                "sources": {"name": "[ECR-4][ECR-5]", "city": "[ECR-4]"},
                "deadlines": [
                    {
                        "kind": "abstract",
                        "local": "2022-10-25T23:59",
                        "time_zone": "Etc/GMT+12",
                        "time_stated": False,
                        "opens_on": "2022-09-14",
                        "stated_as": "October 25, 2022 (no time stated)",
                        "source": "[ECR-2]",
                    }
                ],
            },
            {
                "year": 2024,
                "name": "ECR 2024",
                "starts_on": "2024-02-28",
                "ends_on": "2024-03-03",
                "city": "Vienna",
                "sources": {
                    "name": "[ECR-4][ECR-8]",
                    "starts_on": "[ECR-4]",
                    "ends_on": "[ECR-4]",
                    "city": "[ECR-4]",
                },
            },
            {
                "year": 2025,
                "name": "ECR 2025, motto “Planet Radiology”; president Andrea Rockall (five days)",
                "city": "Austria Center Vienna",
                "sources": {"name": "[ECR-6]", "city": "[ECR-6]"},
            },
        ],
    },
    {
        "slug": "ismrm",
        "society": "ISMRM",
        "society_name": "International Society for Magnetic Resonance in Medicine",
        "name": "ISMRM & ISMRT Annual Meeting & Exhibition",
        "subspecialties": GENERAL,
        "notes": "Older deadlines were US Eastern (2014, 2017, old [ISMRM-7][ISMRM-8]). For 2026 the "
        "abstract site opened Oct 1 [2025] [ISMRM-9]; a 24-hour extension was granted on Oct 29 "
        "[2025] after an outage [ISMRM-9]; the exact deadline did not survive in the stored "
        "copies, so none is seeded. ISMRT (technologist) abstracts closed Nov 9th, 2022 for 2023 "
        "[ISMRM-2]. Typical pattern: the site opens in October; the meeting is in May or June.",
        "sources": "[ISMRM-1] https://www.ismrm.org/21m/mis\n"
        "[ISMRM-2] https://www.ismrm.org/smrt/2022/11/2023-annual-meeting-update/\n"
        "[ISMRM-3] https://blog.ismrm.org/2023/09/21/singapore-2024-a-country-unlike-any-other\n"
        "[ISMRM-4] https://blog.ismrm.org/2025/02/13/presidents-corner-43-looking-ahead\n"
        "[ISMRM-5] https://www.ismrm.org/26m/call\n[ISMRM-9] https://www.ismrm.org/?p=530231",
        "editions": [
            {
                "year": 2023,
                "name": "ISMRM & ISMRT Annual Meeting & Exhibition",
                "starts_on": "2023-06-03",
                "ends_on": "2023-06-08",
                "city": "Toronto, Ontario, Canada",
                "sources": {
                    "name": "[ISMRM-1]",
                    "starts_on": "[ISMRM-1]",
                    "ends_on": "[ISMRM-1]",
                    "city": "[ISMRM-1]",
                },
            },
            {
                "year": 2024,
                "name": "ISMRM Annual Meeting",
                "city": "Suntec Convention Centre, Singapore",
                "sources": {"name": "[ISMRM-3]", "city": "[ISMRM-3]"},
            },
            {
                "year": 2025,
                "name": "Annual meeting, Hawai'i (May 2025)",
                "city": "Honolulu, Hawai'i, USA (plus Europe MiniHub in Lille)",
                "sources": {"name": "[ISMRM-4]", "city": "[ISMRM-4]"},
            },
            {
                "year": 2026,
                "name": "2026 ISMRM & ISMRT Annual Meeting & Exhibition",
                "starts_on": "2026-05-09",
                "ends_on": "2026-05-14",
                "city": "Cape Town, South Africa",
                "url": "https://www.ismrm.org/26m/call",
                "sources": {
                    "name": "[ISMRM-5]",
                    "starts_on": "[ISMRM-5]",
                    "ends_on": "[ISMRM-5]",
                    "city": "[ISMRM-5]",
                },
            },
        ],
    },
    {
        "slug": "ukio",
        "society": "UKIO",
        "society_name": "UK Imaging & Oncology Congress (SoR/CoR with IPEM and BIR)",
        "name": "UK Imaging & Oncology Congress",
        "subspecialties": GENERAL,
        "notes": "The SoR sources name SoR/CoR, IPEM and BIR as organisers; no abstract-deadline page "
        "was found. Typical pattern: three days in June.",
        "sources": "[UKIO-1] https://sor.org/news/events/ukio-day-one-conference-report\n"
        "[UKIO-2] https://www.sor.org/news/events/ukio-2025-day-one-brings-sustainability-to-the-for\n"
        "[UKIO-3] https://society-of-radiographers.shorthandstories.com/synergy-0525/professional/inside-ukio-2025",
        "editions": [
            {
                "year": 2024,
                "name": "UK Imaging and Oncology (UKIO) conference 2024; theme “Vision and values: Putting people first”",
                "starts_on": "2024-06-10",
                "ends_on": "2024-06-12",
                "sources": {
                    "name": "[UKIO-1][UKIO-2]",
                    "starts_on": "[UKIO-1] (year derived)",
                    "ends_on": "[UKIO-1] (year derived)",
                },
            },
            {
                "year": 2025,
                "name": "UK Imaging and Oncology Congress (UKIO) 2025; theme “Community and Consciousness: One Health”",
                "starts_on": "2025-06-02",
                "ends_on": "2025-06-04",
                "city": "ACC Liverpool, UK",
                "sources": {
                    "name": "[UKIO-2][UKIO-3]",
                    "starts_on": "[UKIO-3]",
                    "ends_on": "[UKIO-3]",
                    "city": "[UKIO-3]",
                },
            },
        ],
    },
    {
        "slug": "rcr",
        "society": "RCR",
        "society_name": "The Royal College of Radiologists",
        "name": "RCR annual conference (the national college's annual meeting)",
        "subspecialties": GENERAL,
        "notes": "2022: the Clinical Radiology QI ePoster competition closed at 12 noon (no zone), "
        "Tue 19 April 2022, with a 2550-character limit [RCR-2]. Abstract decisions are sent in the "
        "first week of June (6 June 2022, 5 June 2023).",
        "sources": "[RCR-1] https://www.rcrglobalconference.com/abstract-submission/\n"
        "[RCR-2] https://www.rcr.ac.uk/college/rcr-learning/rcr-annual-conference-2022/abstract-competitions/clinical-radiology-quality\n"
        "[RCR-3] https://rcrannualconference.com/rcr-annual-conference-2023/pages/Abstracts",
        "editions": [
            {
                "year": 2022,
                "name": "RCR 2022 Royal College of Radiologists' annual conference",
                "starts_on": "2022-10-13",
                "ends_on": "2022-10-14",
                "city": "The Eastside Rooms, 2 Woodcock Street, Birmingham, UK",
                "url": "https://www.rcr.ac.uk/college/rcr-learning/rcr-annual-conference-2022/abstract-competitions/clinical-radiology-quality",
                "sources": {
                    "name": "[RCR-1]",
                    "starts_on": "[RCR-1]",
                    "ends_on": "[RCR-1]",
                    "city": "[RCR-1]",
                },
                "deadlines": [
                    {
                        "kind": "abstract",
                        "local": "2022-04-01T23:59",
                        "time_zone": "Europe/London",
                        "stated_as": "1 April 2022, 11:59 PM (BST)",
                        "categories": "George and Vera Ansell abstract competition",
                        "source": "[RCR-1]",
                    }
                ],
            },
            {
                "year": 2023,
                "name": "RCR Annual Conference 2023 (Ansell, Wormald and CR Audit ePoster competitions)",
                "url": "https://rcrannualconference.com/rcr-annual-conference-2023/pages/Abstracts",
                "sources": {"name": "[RCR-3]"},
            },
        ],
    },
    {
        "slug": "esgar",
        "society": "ESGAR",
        "society_name": "European Society of Gastrointestinal and Abdominal Radiology",
        "name": "ESGAR Annual Meeting",
        "subspecialties": ["Gastrointestinal / abdominal"],
        "notes": "Notifications in February (2022, 2023). ESGAR 2020 (old) took abstracts from Sept 25 "
        "to Nov 22, 2019 [ESG-5]. Typical pattern: late May or June.",
        "sources": "[ESG-1] https://www.esgar.org/annual-meeting/esgar-2022/abstract-submission\n"
        "[ESG-2] https://www.esgar.org/annual-meeting/esgar-2023/abstract-submission\n"
        "[ESG-3] https://www.esgar.org/annual-meeting/esgar-2023/programme\n"
        "[ESG-4] https://www.arganz.org/news/arganz-esgar-2024/ (3rd party)",
        "editions": [
            {
                "year": 2022,
                "name": "ESGAR 2022 Annual Meeting",
                "url": "https://www.esgar.org/annual-meeting/esgar-2022/abstract-submission",
                "abstract_limit": "250 words (longer abstracts rejected by the system)",
                "sources": {"name": "[ESG-1]", "abstract_limit": "[ESG-1]"},
            },
            {
                "year": 2023,
                "name": "ESGAR 2023 Annual Meeting (postgraduate course Tue June 13)",
                "starts_on": "2023-06-14",
                "ends_on": "2023-06-16",
                "url": "https://www.esgar.org/annual-meeting/esgar-2023/abstract-submission",
                "abstract_limit": "250 words",
                "sources": {
                    "name": "[ESG-2][ESG-3]",
                    "starts_on": "[ESG-3]",
                    "ends_on": "[ESG-3]",
                    "abstract_limit": "[ESG-2]",
                },
            },
            {
                "year": 2024,
                "name": "ESGAR 2024 meeting (1509 delegates)",
                "starts_on": "2024-05-28",
                "ends_on": "2024-05-31",
                "city": "Gothenburg, Sweden",
                "sources": {
                    "name": "[ESG-4]",
                    "starts_on": "[ESG-4]",
                    "ends_on": "[ESG-4]",
                    "city": "[ESG-4]",
                },
            },
        ],
    },
    {
        "slug": "arrs",
        "society": "ARRS",
        "society_name": "American Roentgen Ray Society",
        "name": "ARRS Annual Meeting",
        "subspecialties": GENERAL,
        "notes": "Nothing was found for the 2022–2027 editions; the 2021 meeting (old) was virtual, "
        "April 18–22.",
        "editions": [],
    },
    {
        "slug": "aar",
        "society": "AAR",
        "society_name": "Association of Academic Radiology (aarad.org)",
        "name": "AAR annual meeting (see the AUR note)",
        "subspecialties": GENERAL,
        "notes": "No source says that AAR is the renamed AUR (Association of University "
        "Radiologists): the link is unconfirmed. The aarad.org call addresses the same "
        "academic-radiology audience. AUR 2018 (old) closed abstracts at 12:00 pm Central [AUR-1].",
        "sources": "[AUR-1] http://aur.org/MemorialAward/ (old)\n[AUR-3] https://aarad.org/abstracts",
        "editions": [
            {
                "year": 2025,
                "name": "“AAR 2025” on aarad.org (Association of Academic Radiology)",
                "url": "https://aarad.org/abstracts",
                "sources": {"name": "[AUR-3]"},
                "deadlines": [
                    {
                        "kind": "abstract",
                        "local": "2024-09-16T11:59",
                        "time_zone": "America/Chicago",
                        "stated_as": "system closes 11:59 am Central Time, September 16, 2024",
                        "source": "[AUR-3]",
                    }
                ],
            }
        ],
    },
    {
        "slug": "asnr",
        "society": "ASNR",
        "society_name": "American Society of Neuroradiology",
        "name": "ASNR Annual Meeting",
        "subspecialties": ["Neuroradiology"],
        "sources": "[ASNR-1] http://ajnr-stage2.highwire.org/content/44/12/E46",
        "editions": [
            {
                "year": 2023,
                "name": "61st Annual Meeting; theme “Transforming the Future of Neuroradiology”",
                "starts_on": "2023-04-29",
                "ends_on": "2023-05-03",
                "city": "Chicago, Illinois, USA",
                "sources": {
                    "name": "[ASNR-1]",
                    "starts_on": "[ASNR-1]",
                    "ends_on": "[ASNR-1]",
                    "city": "[ASNR-1]",
                },
            },
            {
                "year": 2024,
                "name": "62nd Annual Meeting; theme “Celebrating Neuroradiologists”",
                "starts_on": "2024-05-18",
                "ends_on": "2024-05-22",
                "city": "Las Vegas, Nevada, USA",
                "sources": {
                    "name": "[ASNR-1]",
                    "starts_on": "[ASNR-1]",
                    "ends_on": "[ASNR-1]",
                    "city": "[ASNR-1]",
                },
            },
        ],
    },
    {
        "slug": "sir",
        "society": "SIR",
        "society_name": "Society of Interventional Radiology",
        "name": "SIR Annual Scientific Meeting",
        "subspecialties": ["Interventional"],
        "notes": "SIR uses US Eastern (“5 p.m. ET”) on an FAQ that names no edition [SIR-2]; that "
        "deadline is not seeded until its edition is confirmed. SIR 2023: the deadline was extended "
        "(new date not given); late-breaking by request if data would not be ready by Thursday, "
        "October 13 [2022]; the late-breaking window opened Dec. 6 [2022] for two weeks, oral only "
        "[SIR-1].",
        "sources": "[SIR-1] https://eventscribe.net/2023/SIR23/aaStatic.asp\n"
        "[SIR-2] https://www.sirmeeting.org/aaStatic.asp\n"
        "[SIR-3] http://irq.sirweb.org/sirtoday/q-a-with-sir-2023-scientific-chair-gloria-m-salazar-md-fsir-",
        "editions": [
            {"year": 2022, "name": "SIR 2022 (mid-June)", "sources": {"name": "[SIR-3]"}},
            {
                "year": 2023,
                "name": "SIR 2023 (early March)",
                "abstract_limit": "2,200 characters, excluding title and authors; spaces not counted",
                "sources": {"name": "[SIR-1][SIR-3]", "abstract_limit": "[SIR-1]"},
            },
        ],
    },
    {
        "slug": "essr",
        "society": "ESSR",
        "society_name": "European Society of Musculoskeletal Radiology",
        "name": "ESSR Annual Meeting",
        "subspecialties": ["Musculoskeletal"],
        "notes": "Nothing was found for any 2022–2027 edition (name, dates, city or deadlines).",
        "editions": [],
    },
    {
        "slug": "esnr",
        "society": "ESNR",
        "society_name": "European Society of Neuroradiology",
        "name": "ESNR Annual Meeting",
        "subspecialties": ["Neuroradiology"],
        "notes": "Nothing was found for any 2022–2027 edition. There is no annual congress in a year "
        "of the four-yearly Symposium Neuroradiologicum (3rd party). The 2019 meeting (old) closed "
        "abstracts on 01.05.2019, end of day, with 350 words including the title.",
        "editions": [],
    },
    {
        "slug": "bir",
        "society": "BIR",
        "society_name": "British Institute of Radiology",
        "name": "BIR meetings",
        "subspecialties": GENERAL,
        "notes": "The sourced table has no BIR meeting of its own: the SoR sources name BIR as an "
        "organising partner of UKIO (see UKIO).",
        "editions": [],
    },
    {
        "slug": "esti",
        "society": "ESTI",
        "society_name": "European Society of Thoracic Imaging",
        "name": "ESTI Annual Meeting",
        "subspecialties": ["Chest / thoracic"],
        "notes": "Held in the current president's home country [ESTI-2]; at its founding (1992) ESTI "
        "agreed on a three-day meeting in the first weekend of June [ESTI-3].",
        "sources": "[ESTI-1] https://www.myesti.org/best-paper-award/\n"
        "[ESTI-2] https://kkh-bergstrasse.de/presse-veranstaltungen/presse/11072022-chefarzt-der-radiologie-ist-esti-praesident (3rd party)",
        "editions": [
            {
                "year": 2022,
                "name": "ESTI presidency handover in Oxford (June 2022)",
                "city": "Oxford, UK",
                "sources": {"name": "[ESTI-2]", "city": "[ESTI-2][ESTI-4]"},
            },
            {
                "year": 2024,
                "name": "ESTI congress 2024",
                "city": "Rome, Italy",
                "sources": {"name": "[ESTI-1]", "city": "[ESTI-1]"},
            },
        ],
    },
    {
        "slug": "cirse",
        "society": "CIRSE",
        "society_name": "Cardiovascular and Interventional Radiological Society of Europe",
        "name": "CIRSE Annual Congress",
        "subspecialties": ["Interventional", "Vascular"],
        "notes": "Typical pattern: a five-day congress in September.",
        "sources": "[CIR-1] https://cirse.org/publications/cirse-insider/cirse-2024-take-a-look-back-at-the-ir-meeting-of-the-year\n"
        "[CIR-2] http://cdn.auntminnieeurope.com/radiology-education/article/15736331/ (3rd party)\n"
        "[CIR-3] https://en.life/2023/04/25/cirse-2023-9-13-september-copenhagen-denmark/ (3rd party)",
        "editions": [
            {
                "year": 2023,
                "name": "CIRSE 2023",
                "starts_on": "2023-09-09",
                "ends_on": "2023-09-13",
                "city": "Copenhagen, Denmark",
                "sources": {
                    "name": "[CIR-3]",
                    "starts_on": "[CIR-3] (year derived)",
                    "ends_on": "[CIR-3] (year derived)",
                    "city": "[CIR-3]",
                },
            },
            {
                "year": 2024,
                "name": "CIRSE 2024",
                "starts_on": "2024-09-14",
                "ends_on": "2024-09-18",
                "city": "Lisbon, Portugal",
                "sources": {
                    "name": "[CIR-1]",
                    "starts_on": "[CIR-1] (year derived)",
                    "ends_on": "[CIR-1] (year derived)",
                    "city": "[CIR-1]",
                },
            },
            {
                "year": 2025,
                "name": "CIRSE 2025 (40th anniversary)",
                "starts_on": "2025-09-13",
                "ends_on": "2025-09-17",
                "city": "Barcelona, Spain",
                "sources": {
                    "name": "[CIR-2]",
                    "starts_on": "[CIR-2] (year derived)",
                    "ends_on": "[CIR-2] (year derived)",
                    "city": "[CIR-2]",
                },
                "deadlines": [
                    {
                        "kind": "abstract",
                        "local": "2025-03-20T23:59",
                        "time_zone": "Etc/GMT+12",
                        "time_stated": False,
                        "stated_as": "20 March [2025] (no time stated)",
                        "source": "[CIR-2]",
                    }
                ],
            },
        ],
    },
    {
        "slug": "snmmi",
        "society": "SNMMI",
        "society_name": "Society of Nuclear Medicine and Molecular Imaging",
        "name": "SNMMI Annual Meeting",
        "subspecialties": ["Nuclear medicine / molecular"],
        "notes": "Typical pattern: June. 2023 began June 24 [2023] and ran four days [SNM-2]; 2025 was "
        "in June [SNM-4].",
        "sources": "[SNM-1] http://jnm-client.smart01.highwire.org/content/63/8/15N\n"
        "[SNM-2] https://www.siemens-healthineers.com/nl/molecular-imaging/news/snmmi-2023-recap (3rd party)\n"
        "[SNM-3] https://eurekalert.org/news-releases/1048006\n[SNM-4] https://scienmag.com/?p=56404 (3rd party)",
        "editions": [
            {
                "year": 2022,
                "name": "2022 Annual Meeting (hybrid)",
                "starts_on": "2022-06-11",
                "ends_on": "2022-06-14",
                "city": "Vancouver, Canada",
                "sources": {
                    "name": "[SNM-1]",
                    "starts_on": "[SNM-1]",
                    "ends_on": "[SNM-1]",
                    "city": "[SNM-1]",
                },
            },
            {
                "year": 2023,
                "name": "SNMMI 2023 Annual Meeting; theme “Eye on the Patient”; four days, hybrid",
                "city": "McCormick Place, Chicago, USA",
                "sources": {"name": "[SNM-2]", "city": "[SNM-2]"},
            },
            {
                "year": 2024,
                "name": "2024 Annual Meeting; theme “Innovate. Illuminate.”",
                "city": "Toronto, Ontario, Canada",
                "sources": {"name": "[SNM-3]", "city": "[SNM-3]"},
            },
            {
                "year": 2025,
                "name": "2025 Annual Meeting; theme “Accelerating the Cure” (June)",
                "city": "New Orleans, USA",
                "sources": {"name": "[SNM-4]", "city": "[SNM-4]"},
            },
        ],
    },
    {
        "slug": "espr",
        "society": "ESPR",
        "society_name": "European Society of Paediatric Radiology",
        "name": "ESPR Annual Meeting",
        "subspecialties": ["Paediatric"],
        "notes": "Typical pattern: the first half of June. ESPR 2018 (old) limited abstracts to "
        "1,600 characters.",
        "sources": "[ESPR-1] https://www.espr2023.com/\n"
        "[ESPR-2] https://www.medist-imaging.ro/european-congress-of-paediatric-radiology-espr-2025 (3rd party)",
        "editions": [
            {
                "year": 2023,
                "name": "57th ESPR Annual Meeting & 43rd Post Graduate Course; motto “Building new bridges”",
                "starts_on": "2023-06-05",
                "ends_on": "2023-06-09",
                "city": "Hotel Crowne Plaza, Belgrade, Serbia",
                "url": "https://www.espr2023.com/",
                "sources": {
                    "name": "[ESPR-1]",
                    "starts_on": "[ESPR-1]",
                    "ends_on": "[ESPR-1]",
                    "city": "[ESPR-1]",
                },
            },
            {
                "year": 2025,
                "name": "ESPR congress",
                "starts_on": "2025-06-02",
                "ends_on": "2025-06-06",
                "city": "Bucharest, Romania",
                "sources": {
                    "name": "[ESPR-2]",
                    "starts_on": "[ESPR-2]",
                    "ends_on": "[ESPR-2]",
                    "city": "[ESPR-2]",
                },
            },
        ],
    },
    {
        "slug": "scct",
        "society": "SCCT",
        "society_name": "Society of Cardiovascular Computed Tomography",
        "name": "SCCT Annual Scientific Meeting",
        "subspecialties": ["Cardiac"],
        "sources": "[SCCT-1] https://www.research.ed.ac.uk/en/publications/highlights-of-the-nineteenth-annual-scientific-meeting-of-the-soc",
        "editions": [
            {
                "year": 2024,
                "name": "19th Annual Scientific Meeting of the SCCT (1,003 attendees)",
                "starts_on": "2024-07-19",
                "ends_on": "2024-07-21",
                "city": "Washington, D.C., USA",
                "sources": {
                    "name": "[SCCT-1][SCCT-2]",
                    "starts_on": "[SCCT-1]",
                    "ends_on": "[SCCT-1]",
                    "city": "[SCCT-1]",
                },
            }
        ],
    },
    {
        "slug": "ranzcr",
        "society": "RANZCR",
        "society_name": "Royal Australian and New Zealand College of Radiologists",
        "name": "RANZCR Annual Scientific Meeting",
        "subspecialties": GENERAL,
        "notes": "RANZCR uses Australian Eastern time (“10.00am AEDT”, 2022 late-breaking) [RANZCR-1].",
        "sources": "[RANZCR-1] https://www.ranzcr2022.com/late-breaking-abstracts/\n"
        "[RANZCR-2] https://www.croakey.org/putting-a-spotlight-on-radiology-womens-health-cultural-safety-and-workforce-concerns (3rd party)",
        "editions": [
            {
                "year": 2022,
                "name": "RANZCR ASM 2022 Adelaide",
                "city": "Adelaide (Adelaide BioMed City), Australia",
                "url": "https://www.ranzcr2022.com/late-breaking-abstracts/",
                "sources": {"name": "[RANZCR-1]", "city": "[RANZCR-1]"},
                "deadlines": [
                    {
                        "kind": "late_breaking",
                        "local": "2022-10-03T10:00",
                        "time_zone": "Australia/Sydney",
                        "stated_as": "10.00am AEDT, Monday 3 October [2022]; no extensions",
                        "word_limit": 400,
                        "limit_note": "400 words (body only; excludes title, authors, affiliations, references)",
                        "source": "[RANZCR-1]",
                    }
                ],
            },
            {
                "year": 2025,
                "name": "75th Annual Scientific Meeting (RANZCR 90th anniversary)",
                "starts_on": "2025-10-23",
                "ends_on": "2025-10-25",
                "city": "Melbourne Convention and Exhibition Centre, Naarm/Melbourne, Australia",
                "sources": {
                    "name": "[RANZCR-2]",
                    "starts_on": "[RANZCR-2] (year derived)",
                    "ends_on": "[RANZCR-2] (year derived)",
                    "city": "[RANZCR-2]",
                },
            },
        ],
    },
    {
        "slug": "aser",
        "society": "ASER",
        "society_name": "American Society of Emergency Radiology",
        "name": "ASER Annual Scientific Meeting",
        "subspecialties": ["Emergency"],
        "sources": "[ASER-1] https://aser.org/annual-meeting-information/call-for-abstracts/",
        "editions": [
            {
                "year": 2023,
                "name": "American Society of Emergency Radiology 2023 Annual Meeting",
                "starts_on": "2023-10-18",
                "ends_on": "2023-10-21",
                "city": "Hilton San Diego Bayfront, San Diego, CA, USA",
                "url": "https://aser.org/annual-meeting-information/call-for-abstracts/",
                "abstract_limit": "2300 characters including spaces",
                "sources": {
                    "name": "[ASER-1]",
                    "starts_on": "[ASER-1]",
                    "ends_on": "[ASER-1]",
                    "city": "[ASER-1]",
                    "abstract_limit": "[ASER-1]",
                },
                "deadlines": [
                    {
                        "kind": "abstract",
                        "local": "2023-05-16T23:59",
                        "time_zone": "Etc/GMT+12",
                        "time_stated": False,
                        "opens_on": "2023-03-15",
                        "stated_as": "May 16, 2023 (no time stated)",
                        "limit_note": "2300 characters including spaces",
                        "source": "[ASER-1]",
                    }
                ],
            }
        ],
    },
    {
        "slug": "sbi",
        "society": "SBI",
        "society_name": "Society of Breast Imaging",
        "name": "SBI Breast Imaging Symposium",
        "subspecialties": ["Breast"],
        "notes": "SBI gives US Eastern with conversions [SBI-1]. For 2025, 30 scientific oral abstracts "
        "were chosen for in-person presentation.",
        "sources": "[SBI-1] https://www.abstractscorecard.com/cfp/submit/login.asp?EventKey=XXMKJGIL\n"
        "[SBI-2] https://www.sbi-online.org/news/sbi-2025-symposium-highlights",
        "editions": [
            {
                "year": 2025,
                "name": "2025 SBI Breast Imaging Symposium; theme “40 Then, 40 Now”",
                "starts_on": "2025-04-24",
                "ends_on": "2025-04-27",
                "city": "The Broadmoor, Colorado Springs, Colorado, USA",
                "sources": {
                    "name": "[SBI-1][SBI-2]",
                    "starts_on": "[SBI-1]",
                    "ends_on": "[SBI-1]",
                    "city": "[SBI-1]",
                },
                "deadlines": [
                    {
                        "kind": "abstract",
                        "local": "2024-10-18T23:59",
                        "time_zone": "America/New_York",
                        "stated_as": "October 18, 2024 at 11:59 PM EDT (10:59 PM CST, 8:59 PM PST)",
                        "source": "[SBI-1]",
                    }
                ],
            }
        ],
    },
]
