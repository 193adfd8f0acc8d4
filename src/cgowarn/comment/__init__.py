"""`cgowarn comment`: one sticky, always-current comment on a GitHub pull request or a GitLab merge
request.

interface.py is the plug-in point (a Forge: list, create, edit and delete comments, and say who
the token is); github.py and gitlab.py implement it over http.py (httpx with timeouts, retries,
rate limits and one-line errors that never hold the token); body.py writes the comment from the
report; sticky.py finds the earlier comment and decides what to do. Nothing here is imported until
the command runs, so that other commands never load httpx.
"""
