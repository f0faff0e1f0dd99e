"""Cross-origin access: the headers that let browser RDF clients on other sites read the data.

One table for `pactgraph serve`, the generated Apache and nginx configurations
and the guard of `pactgraph endpoint`. A client that sends a header outside the
CORS safelist (RDF clients send long `Accept` headers, SPARQL clients a
`Content-Type`) first asks with an OPTIONS preflight; it is answered with 204
and PREFLIGHT_HEADERS, from any path, never redirected (a browser does not
follow a redirected preflight).
"""

from __future__ import annotations

#: Sent with every answer.
ALLOW_ORIGIN = {"Access-Control-Allow-Origin": "*"}

#: Sent with the answer to a preflight (OPTIONS), besides ALLOW_ORIGIN.
PREFLIGHT_HEADERS: dict[str, str] = {
    "Access-Control-Allow-Methods": "GET, HEAD, POST, OPTIONS",
    "Access-Control-Allow-Headers": "Accept, Content-Type",
    "Access-Control-Max-Age": "86400",
}
