"""Views over a build's stores that answer what researchers ask: leaderboards (results per
dataset and task, best first) and rankings and trends over time. Each is a plain function that
returns pandas DataFrames; the CLI and the page only format them."""
