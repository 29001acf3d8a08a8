"""What the tests and the benchmarks both need to drive the app from outside: the API
served by uvicorn in a subprocess (:mod:`testkit.api_server`) and Debian's Chromium
through Playwright (:mod:`testkit.browser`).

Not part of the installed distribution: pytest finds it from the checkout's root, and
the benchmark scripts put that root on ``sys.path`` themselves.
"""
