"""Organisation admin pages under /o/<org_slug>/manage/: thin views over services and selectors."""
