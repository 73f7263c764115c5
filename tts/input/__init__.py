"""Reading pages and cleaning them into an Article."""
