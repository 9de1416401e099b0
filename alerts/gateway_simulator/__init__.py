"""Gateway simulators for tests and benchmarks: stand-ins for an SMS provider on the loopback interface.

Standalone on purpose: nothing here imports Django, so a simulator runs as its own process
(`python -m alerts.gateway_simulator.http --help`) as well as in a thread of a test.
"""
