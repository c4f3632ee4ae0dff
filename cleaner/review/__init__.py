"""The review app: a local page to accept or reject each change and flag of a run (`cleaner review`),
then the final texts (`cleaner apply`) and what the next run can learn from the decisions (`cleaner learn`)."""
