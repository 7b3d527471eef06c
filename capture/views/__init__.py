"""The capture pages by sub-area, thin views over capture.access (who, where) and
capture.services (rules): `studies` (the list, a study's page, its admin's page),
`records` (the records list, locks, data queries, the audit trail), `entry` (the entry
form), `transfers` (exports and imports of records), `dictionary` (the dictionary, its
proposal and the form builder), `longitudinal` (events, the record grid and the status
dashboard), `projectxml` (a REDCap project file in and out) and `tokens` (API tokens);
`common` holds what they share.
"""
