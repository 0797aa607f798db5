"""screening: flag Indonesian civil servants' posts that show partisan political tendency.

A flag is a lead for a human neutrality reviewer, never an automated sanction.
"""

__version__ = "0.1.0"
