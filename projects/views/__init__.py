"""The projects pages by sub-area: `board` (the board and a project's page, its roles
and status), `applications` (applying and deciding), `workspace` (team and agreement,
tasks and milestones, meetings, documents); `common` holds what they share.
"""
