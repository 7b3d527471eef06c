"""The glossary as shipped: loaded by the data migration, edited in the admin afterwards."""

# ruff: noqa: E501, RUF001 - plain-language definitions, typographic dashes and minus signs kept.

from __future__ import annotations

# term, expansion, definition, aliases (semicolon-separated)
TERMS: list[tuple[str, str, str, str]] = [
    (
        "GCP",
        "Good Clinical Practice",
        "The international standard for running studies with people ethically and reliably. "
        "Anyone working on a clinical study needs GCP training, refreshed every few years.",
        "",
    ),
    (
        "PI",
        "Principal Investigator",
        "The person responsible for a study at one site: they make sure it runs there as the "
        "protocol says.",
        "principal investigator",
    ),
    (
        "CI",
        "Chief Investigator",
        "The person with overall responsibility for a study across all its sites.",
        "chief investigator",
    ),
    (
        "Sponsor",
        "",
        "The organisation (often a hospital trust or university) that takes legal responsibility "
        "for a study: its set-up, management and insurance.",
        "sponsor",
    ),
    (
        "Pilot study",
        "",
        "A small version of a study run first to check that the methods, recruitment and data "
        "collection work before the full study.",
        "pilot studies;feasibility study",
    ),
    (
        "Grant",
        "",
        "Money given by a funder for a piece of research, usually after a competitive application.",
        "grants",
    ),
    (
        "Pump priming",
        "",
        "A small grant to start a project and gather the first results that a larger grant "
        "application needs.",
        "pump-priming",
    ),
    (
        "IRAS",
        "Integrated Research Application System",
        "The UK's single online form for applying for research approvals: ethics, HRA approval and "
        "local permissions.",
        "",
    ),
    (
        "Ethics committee",
        "",
        "A group of independent people who review a study to protect participants before it may "
        "start. In the UK it is a Research Ethics Committee (REC); in the US an IRB.",
        "ethics committees;REC;research ethics committee",
    ),
    (
        "IRB",
        "Institutional Review Board",
        "The US name for an ethics committee: it must approve research with people before it starts.",
        "",
    ),
    (
        "CTIMP",
        "Clinical Trial of an Investigational Medicinal Product",
        "A trial that tests a medicine (including some contrast agents and tracers); it needs extra "
        "regulatory approval from the medicines regulator.",
        "",
    ),
    (
        "NIHR portfolio",
        "National Institute for Health and Care Research portfolio",
        "The UK list of studies eligible for NHS research support; recruiting to them counts for the "
        "hospital and can credit trainees.",
        "portfolio study;portfolio studies",
    ),
    (
        "Delegation log",
        "",
        "The signed list of who may do which study task at a site, kept by the PI. Do nothing on a "
        "study before your name is on it.",
        "delegation logs",
    ),
    (
        "CRF",
        "Case report form",
        "The form, on paper or electronic, where each participant's study data are recorded.",
        "case report form;case report forms;eCRF",
    ),
    (
        "DAG",
        "Data access group",
        "A group in a data system (such as REDCap) that limits each site to its own records.",
        "data access group;data access groups",
    ),
    (
        "STARD",
        "Standards for Reporting Diagnostic accuracy studies",
        "The checklist journals expect a diagnostic-accuracy paper to follow, so readers can judge it.",
        "",
    ),
    (
        "CRediT",
        "Contributor Roles Taxonomy",
        "Fourteen named roles (such as data curation or supervision) that say what each author of "
        "a paper did.",
        "",
    ),
    (
        "ACF",
        "Academic Clinical Fellow",
        "A UK specialty trainee with protected research time (usually 25 %) to prepare a PhD "
        "fellowship application.",
        "academic clinical fellowship",
    ),
    (
        "CCT",
        "Certificate of Completion of Training",
        "The UK certificate that ends specialty training and allows entry to the specialist register.",
        "",
    ),
    (
        "Abstract",
        "",
        "A short summary of a study (often 250–300 words) submitted to a conference by its deadline; "
        "if accepted it is presented as a talk or poster.",
        "abstracts",
    ),
    (
        "Late-breaking abstract",
        "",
        "An abstract accepted after the main deadline for results that were not ready in time.",
        "late-breaking abstracts;late-breaking",
    ),
    (
        "AoE",
        "Anywhere on Earth",
        "A deadline that counts as long as it is still that day anywhere on Earth: the end of the "
        "day at UTC−12.",
        "anywhere on Earth",
    ),
    (
        "Audit",
        "",
        "Checking local practice against an agreed standard, then re-checking after a change. It "
        "does not need ethics approval, but it must be registered with the hospital.",
        "clinical audit;audits",
    ),
    (
        "Protocol",
        "",
        "The document that says why and how a study will be done: aims, design, participants, "
        "measurements and analysis.",
        "protocols;study protocol",
    ),
    (
        "Retrospective study",
        "",
        "A study that uses data that already exist, such as past scans and reports.",
        "retrospective",
    ),
    (
        "Prospective study",
        "",
        "A study that collects new data from participants going forward.",
        "prospective",
    ),
    (
        "Inter-observer agreement",
        "",
        "How often two readers reach the same result on the same cases, often measured with kappa.",
        "interobserver agreement;observer agreement",
    ),
    (
        "Kappa",
        "",
        "A number between −1 and 1 for how much two readers agree beyond what chance would give.",
        "Cohen's kappa",
    ),
    (
        "Sensitivity",
        "",
        "Of the people who have the disease, the share the test calls positive.",
        "",
    ),
    (
        "Specificity",
        "",
        "Of the people without the disease, the share the test calls negative.",
        "",
    ),
    (
        "Fellowship",
        "",
        "A funded post for training or research, such as a clinical fellowship after training or a "
        "research fellowship to do a PhD.",
        "fellowships",
    ),
    (
        "Bursary",
        "",
        "A small award to cover costs such as conference travel or a course fee.",
        "bursaries",
    ),
    (
        "Visa sponsorship",
        "",
        "An employer's support for a work visa (for example J-1 or H-1B in the US); without it many "
        "international graduates cannot take the post.",
        "",
    ),
    (
        "IMG",
        "International medical graduate",
        "A doctor whose primary medical degree is from another country than the one they work in.",
        "international medical graduate;international medical graduates",
    ),
    (
        "HRA",
        "Health Research Authority",
        "The body that approves research in the NHS in England, with the ethics committee opinion.",
        "HRA approval",
    ),
    (
        "Informed consent",
        "",
        "A participant's agreement to take part after being told, in words they understand, what "
        "the study involves.",
        "consent",
    ),
    (
        "Associate PI",
        "Associate Principal Investigator",
        "A UK scheme in which a trainee works on a portfolio study under the PI and earns recognition "
        "for it.",
        "associate PI scheme;associate principal investigator;associate principal investigator scheme",
    ),
    # Added with migration 0003: the words of the board, the results pages and training.
    (
        "PPI",
        "Patient and public involvement",
        "Patients and members of the public helping to shape research: choosing the question, "
        "reading the protocol and the patient leaflet, sitting on the steering group. UK funders "
        "and ethics committees expect a plan for it.",
        "patient and public involvement",
    ),
    (
        "Ethics approval",
        "",
        "Permission from a research ethics committee (an IRB in the US) to run a study with "
        "patients or their data. An audit or a service evaluation is usually registered with the "
        "hospital instead.",
        "ethics;ethical approval;ethics review",
    ),
    (
        "Deauville score",
        "",
        "A five-point scale for reading PET-CT in lymphoma: the uptake of each remaining site is "
        "compared with the mediastinum and the liver; 1 to 3 usually means a complete metabolic "
        "response.",
        "Deauville;Deauville scale;Deauville scores",
    ),
    (
        "Confidence interval",
        "",
        "The range of values the data are compatible with: a 95% confidence interval would hold "
        "the true value in 95 of 100 repeats of the study. The narrower, the more precise.",
        "confidence intervals;95% CI",
    ),
    (
        "ROC curve",
        "Receiver operating characteristic curve",
        "A plot of sensitivity against 1 − specificity at every threshold of a score: it shows "
        "how well the score separates patients with and without the condition.",
        "ROC;receiver operating characteristic",
    ),
    (
        "AUC",
        "Area under the ROC curve",
        "One number for a ROC curve: 0.5 is no better than chance, 1 is perfect separation.",
        "area under the curve",
    ),
    (
        "DeLong",
        "",
        "DeLong's method: the usual way to compute the confidence interval of an AUC and to test "
        "whether two AUCs measured on the same patients differ.",
        "DeLong's method;DeLong test",
    ),
    (
        "ICC",
        "Intraclass correlation coefficient",
        "How much of the spread in measurements comes from real differences between patients "
        "rather than from readers or repeats: near 1 is excellent reliability. It has several "
        "forms (Shrout and Fleiss); a report names the one used.",
        "intraclass correlation;intraclass correlation coefficient",
    ),
    (
        "Bland–Altman",
        "",
        "A plot and analysis of agreement between two ways of measuring: the mean difference "
        "(the bias) and the limits within which 95% of the differences lie.",
        "Bland-Altman;Bland–Altman plot;limits of agreement",
    ),
    (
        "Fleiss' kappa",
        "",
        "Kappa for more than two readers: agreement beyond what chance alone would give, from 0 "
        "(chance) to 1 (perfect).",
        "Fleiss kappa",
    ),
    (
        "Repeatability",
        "",
        "How close repeated measurements of the same thing, by the same method, are. The "
        "repeatability coefficient is the difference that 95% of pairs of repeats stay within.",
        "repeatability coefficient",
    ),
]
