"""The modules of scripts/bench_http.py: the data it loads, the requests, the server and the load."""
