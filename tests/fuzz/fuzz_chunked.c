/*
 * fuzz_chunked.c: the chunked decoder of http.c, through the same parser
 * entry points as fuzz_http.c, after a fixed head that announces chunked
 * framing: the whole input is chunk sizes, extensions, data and trailers.
 */
#define FUZZ_CHUNKED 1
#include "fuzz_http.c"
