"""What the pages and commands share about the running app.

`current` gives the profile and the register of the app serving now; `links` builds the
addresses letters link to; `forms` holds the base form and the request's fields used by both
the public form and the hotline form; `staff_pages` is the context of every signed-in page.
The register's rules (webapp/requests) never import this package: it is where Flask is.
"""
