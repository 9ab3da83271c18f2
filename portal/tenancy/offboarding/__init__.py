"""Organisation off-boarding (PIPL): a full export of one organisation's data, then a
verified deletion with a certificate that outlives the organisation.

Modules: ``registry`` finds the tenant models in the app registry, ``export`` writes the ZIP,
``deletion`` deletes, verifies and certifies, ``models`` holds the record that stays.
Kept free of imports here: ``portal.tenancy.models`` imports ``offboarding.models`` while the
app registry is still loading.
"""
