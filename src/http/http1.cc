#include "http/http1.h"

#include <strings.h>

#include <algorithm>
#include <charconv>

namespace mtg::http {
namespace {

constexpr size_t kMaxHead = 64 * 1024;   // status line + headers
constexpr size_t kMaxLine = 8 * 1024;    // a chunk-size or trailer line

bool IEquals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && strncasecmp(a.data(), b.data(), a.size()) == 0;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

// True if the comma-separated header value lists `token` (case-insensitive).
bool ListHas(std::string_view value, std::string_view token) {
  while (!value.empty()) {
    size_t comma = value.find(',');
    if (IEquals(Trim(value.substr(0, comma)), token)) return true;
    if (comma == std::string_view::npos) break;
    value.remove_prefix(comma + 1);
  }
  return false;
}

Error Malformed(const std::string& what) { return Error(ErrorCode::kNetwork, "malformed HTTP response: " + what); }

}  // namespace

Result<UrlParts> SplitUrl(std::string_view url) {
  size_t scheme_end = url.find("://");
  std::string_view scheme = scheme_end == std::string_view::npos ? "" : url.substr(0, scheme_end);
  if (scheme != "http" && scheme != "https") {
    return Fail(ErrorCode::kInvalidArgument, "not an http:// or https:// URL: " + std::string(url));
  }
  std::string_view rest = url.substr(scheme_end + 3);
  size_t path = rest.find_first_of("/?");
  UrlParts parts;
  parts.authority = std::string(rest.substr(0, path));
  if (parts.authority.empty()) return Fail(ErrorCode::kInvalidArgument, "URL without a host: " + std::string(url));
  parts.origin = std::string(scheme) + "://" + parts.authority;
  parts.target = path == std::string_view::npos ? "/" : std::string(rest.substr(path));
  if (parts.target.front() == '?') parts.target.insert(0, "/");
  return parts;
}

std::string FormatRequestHead(const Request& request, const UrlParts& url, std::string_view user_agent) {
  std::string head;
  head.reserve(1024);
  head += request.method;
  head += ' ';
  head += url.target;
  head += " HTTP/1.1\r\n";
  if (!FindHeader(request.headers, "Host")) head += "Host: " + url.authority + "\r\n";
  for (const Header& h : request.headers) {
    head += h.name;
    head += ": ";
    head += h.value;
    head += "\r\n";
  }
  if (!user_agent.empty() && !FindHeader(request.headers, "User-Agent")) {
    head += "User-Agent: ";
    head += user_agent;
    head += "\r\n";
  }
  bool has_body_method = request.method != "GET" && request.method != "HEAD";
  if (has_body_method || request.body != nullptr) {
    head += "Content-Length: " + std::to_string(request.body != nullptr ? request.body->Size() : 0) + "\r\n";
  }
  head += "\r\n";
  return head;
}

Result<void> ResponseReader::ParseHead(std::string_view head) {
  size_t eol = head.find('\n');
  std::string_view status_line = Trim(head.substr(0, eol));
  // "HTTP/1.1 200 OK"
  if (status_line.size() < 12 || !status_line.starts_with("HTTP/1.") || status_line[8] != ' ') {
    return Fail(Malformed("bad status line"));
  }
  bool http11 = status_line[7] == '1';
  std::string_view code = status_line.substr(9, 3);
  int status = 0;
  auto [end, ec] = std::from_chars(code.data(), code.data() + code.size(), status);
  if (ec != std::errc() || end != code.data() + 3 || status < 100 || status > 999 ||
      (status_line.size() > 12 && status_line[12] != ' ')) {
    return Fail(Malformed("bad status code"));
  }
  std::vector<Header> headers;
  std::string_view rest = eol == std::string_view::npos ? "" : head.substr(eol + 1);
  while (!rest.empty()) {
    size_t nl = rest.find('\n');
    std::string_view line = rest.substr(0, nl);
    rest = nl == std::string_view::npos ? "" : rest.substr(nl + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) break;
    if (line.front() == ' ' || line.front() == '\t') return Fail(Malformed("folded header line"));
    size_t colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0) return Fail(Malformed("header line without a name"));
    headers.push_back({std::string(Trim(line.substr(0, colon))), std::string(Trim(line.substr(colon + 1)))});
  }
  status_ = status;
  if (status < 200) {  // 1xx: an interim response; the real one follows
    return Ok();
  }
  headers_ = std::move(headers);
  bool close = false, keep = false;
  for (const Header& h : headers_) {  // every Connection header counts
    if (!IEquals(h.name, "Connection")) continue;
    close = close || ListHas(h.value, "close");
    keep = keep || ListHas(h.value, "keep-alive");
  }
  keep_alive_ = http11 ? !close : keep && !close;
  // Transfer codings: we ask for none, so only chunked (last, as RFC 9112 requires) is accepted.
  bool chunked = false;
  for (const Header& h : headers_) {
    if (!IEquals(h.name, "Transfer-Encoding")) continue;
    std::string_view list = h.value;
    while (!list.empty()) {
      size_t comma = list.find(',');
      std::string_view coding = Trim(list.substr(0, comma));
      list = comma == std::string_view::npos ? "" : list.substr(comma + 1);
      if (coding.empty() || IEquals(coding, "identity")) continue;
      if (!IEquals(coding, "chunked") || chunked) {
        return Fail(Malformed("unsupported Transfer-Encoding \"" + h.value + "\""));
      }
      chunked = true;
    }
  }
  std::optional<uint64_t> length;
  for (const Header& h : headers_) {
    if (!IEquals(h.name, "Content-Length")) continue;
    uint64_t n = 0;
    auto [p, e] = std::from_chars(h.value.data(), h.value.data() + h.value.size(), n);
    if (e != std::errc() || p != h.value.data() + h.value.size() || h.value.empty() || (length && *length != n)) {
      return Fail(Malformed("bad Content-Length \"" + h.value + "\""));
    }
    length = n;
  }
  if (head_request_ || status == 204 || status == 304) {
    state_ = State::kDone;
  } else if (chunked) {
    if (length) keep_alive_ = false;  // both framings: a smuggling attempt or a broken proxy
    state_ = State::kChunkSize;
  } else if (length) {
    remaining_ = *length;
    state_ = *length == 0 ? State::kDone : State::kLength;
  } else {
    keep_alive_ = false;  // the body ends when the server closes
    state_ = State::kToClose;
  }
  return Ok();
}

// Passes up to remaining_ body bytes from data to on_body; `next` once they are all through.
Result<void> ResponseReader::Body(std::span<const uint8_t>& data, const BodyChunkFn& on_body, State next) {
  size_t n = static_cast<size_t>(std::min<uint64_t>(remaining_, data.size()));
  MTG_TRY_VOID(on_body(data.first(n)));
  remaining_ -= n;
  data = data.subspan(n);
  if (remaining_ == 0) state_ = next;
  return Ok();
}

// Accumulates one CRLF- (or LF-) terminated line from data into `line`.
Result<void> ResponseReader::Line(std::span<const uint8_t>& data, std::string& line, bool& complete) {
  const uint8_t* nl = std::find(data.data(), data.data() + data.size(), '\n');
  size_t take = static_cast<size_t>(nl - data.data());
  complete = take < data.size();
  line.append(reinterpret_cast<const char*>(data.data()), take);
  data = data.subspan(complete ? take + 1 : take);
  if (line.size() > kMaxLine) return Fail(Malformed("line too long"));
  if (complete && !line.empty() && line.back() == '\r') line.pop_back();
  return Ok();
}

Result<void> ResponseReader::Feed(std::span<const uint8_t> data, const BodyChunkFn& on_body) {
  received_ += data.size();
  while (!data.empty()) {
    switch (state_) {
      case State::kHead: {
        size_t old = pending_.size();
        pending_.append(reinterpret_cast<const char*>(data.data()), data.size());
        // The head ends at the first empty line ("\r\n\r\n", or "\n\n" from lax servers).
        size_t search_from = old >= 3 ? old - 3 : 0;
        size_t end = std::string::npos;
        size_t end_len = 0;
        for (size_t i = search_from; i < pending_.size(); ++i) {
          if (pending_[i] != '\n') continue;
          if (i >= 1 && pending_[i - 1] == '\n') { end = i - 1; end_len = 2; break; }
          if (i >= 2 && pending_[i - 1] == '\r' && pending_[i - 2] == '\n') { end = i - 2; end_len = 3; break; }
        }
        if (end == std::string::npos) {
          if (pending_.size() > kMaxHead) return Fail(Malformed("headers larger than 64 KiB"));
          return Ok();
        }
        size_t head_size = end + end_len;
        if (head_size > kMaxHead) return Fail(Malformed("headers larger than 64 KiB"));
        std::string head = pending_.substr(0, end + 1);
        size_t consumed_here = head_size - old;  // bytes of `data` that belonged to the head
        pending_.clear();
        data = data.subspan(consumed_here);
        MTG_TRY_VOID(ParseHead(head));
        // 1xx: stay in kHead for the final response.
        break;
      }
      case State::kLength:
        MTG_TRY_VOID(Body(data, on_body, State::kDone));
        break;
      case State::kChunkSize: {
        bool complete = false;
        MTG_TRY_VOID(Line(data, pending_, complete));
        if (!complete) return Ok();
        std::string_view size_text = Trim(std::string_view(pending_).substr(0, pending_.find(';')));
        uint64_t size = 0;
        auto [p, e] = std::from_chars(size_text.data(), size_text.data() + size_text.size(), size, 16);
        if (e != std::errc() || p != size_text.data() + size_text.size() || size_text.empty()) {
          return Fail(Malformed("bad chunk size \"" + pending_ + "\""));
        }
        pending_.clear();
        remaining_ = size;
        state_ = size == 0 ? State::kTrailer : State::kChunkData;
        break;
      }
      case State::kChunkData:
        MTG_TRY_VOID(Body(data, on_body, State::kChunkEnd));
        break;
      case State::kChunkEnd: {
        bool complete = false;
        MTG_TRY_VOID(Line(data, pending_, complete));
        if (!complete) return Ok();
        if (!pending_.empty()) return Fail(Malformed("chunk not followed by CRLF"));
        state_ = State::kChunkSize;
        break;
      }
      case State::kTrailer: {
        bool complete = false;
        MTG_TRY_VOID(Line(data, pending_, complete));
        if (!complete) return Ok();
        bool last = pending_.empty();
        pending_.clear();
        if (last) state_ = State::kDone;
        break;
      }
      case State::kToClose:
        MTG_TRY_VOID(on_body(data));
        data = {};
        break;
      case State::kDone:
        extra_bytes_ = true;  // nothing was asked for: the connection is out of step
        return Ok();
    }
  }
  return Ok();
}

Result<void> ResponseReader::FeedEnd() {
  if (state_ == State::kToClose) {
    state_ = State::kDone;
    return Ok();
  }
  if (state_ == State::kDone) return Ok();
  if (received_ == 0) return Fail(ErrorCode::kNetwork, "the server closed the connection without a response");
  return Fail(ErrorCode::kNetwork, "the server closed the connection in the middle of the response");
}

}  // namespace mtg::http
