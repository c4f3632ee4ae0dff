"""Writing the results of a run: cleaned texts, diffs, report.json and report.html."""
