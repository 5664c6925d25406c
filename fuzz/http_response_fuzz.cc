// Fuzzes the client's HTTP/1.1 response reader (http/http1.h), which parses whatever a server or
// a middlebox sends back. The first input byte picks how the rest is split into reads (the
// reader must give the same answer for any split) and whether the request was a HEAD; the rest is
// the response. Checks: no crash, hang or leak; a body is only ever delivered up to its framing;
// the same bytes fed whole and fed in pieces give the same status, body and verdict.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "http/http1.h"

namespace {

struct Outcome {
  bool ok = true;
  bool done = false;
  int status = 0;
  std::string body;
};

Outcome Run(const uint8_t* data, size_t size, size_t step, bool head) {
  Outcome o;
  mtg::http::ResponseReader reader(head);
  mtg::http::BodyChunkFn sink = [&](std::span<const uint8_t> c) -> mtg::Result<void> {
    o.body.append(reinterpret_cast<const char*>(c.data()), c.size());
    return mtg::Ok();
  };
  for (size_t i = 0; i < size && o.ok; i += step) {
    size_t n = size - i < step ? size - i : step;
    o.ok = static_cast<bool>(reader.Feed({data + i, n}, sink));
  }
  if (o.ok) o.ok = static_cast<bool>(reader.FeedEnd());
  o.done = reader.done();
  o.status = reader.status();
  return o;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  size_t step = (data[0] & 0x3F) + 1;
  bool head = (data[0] & 0x40) != 0;
  ++data;
  --size;
  Outcome whole = Run(data, size, size == 0 ? 1 : size, head);
  Outcome pieces = Run(data, size, step, head);
  if (whole.ok != pieces.ok || whole.status != pieces.status || whole.body != pieces.body) std::abort();
  if (whole.ok && !whole.done) std::abort();  // FeedEnd succeeded, so the response is complete
  return 0;
}
