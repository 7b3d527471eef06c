"""Pure readers and writers for the file formats RadCollab exchanges; no Django here."""
