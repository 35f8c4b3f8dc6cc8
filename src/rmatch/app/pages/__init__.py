"""The web pages of the programme service (served by ``rmatch serve``; issue 25's first pages).

Imports only the service's own modules and :mod:`rmatch` itself.
"""
