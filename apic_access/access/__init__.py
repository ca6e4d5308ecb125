"""Who can read a binding's credentials: the access model (model.py), the spec's view of it
(compare.py) and the `apic-access access` report (report.py)."""
