"""Pages for supervision days, reward points and the public petition statistics.

``public`` contains the pages without login: the schedule of supervision days
with the registration form, the anonymous reward list, the reporter's
consent form (tracking code and secret) and the statistics by county.
``staff`` plans days and records what was received, scoped through
``scope_for``, and records verifications and reward corrections on
petitions loaded through ``visibility.get_visible_petition`` only.
"""
