#include "http_wire.h"

#include <algorithm>
#include <charconv>

namespace mtg::server {

namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool IEquals(std::string_view a, std::string_view b) { return ToLower(a) == ToLower(b); }

// The methods cpp-httplib routed for us; anything else was a 400 and still is.
bool KnownMethod(std::string_view m) {
  for (std::string_view k : {"GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH"}) {
    if (m == k) return true;
  }
  return false;
}

const std::string* Find(const std::vector<HttpHeader>& headers, std::string_view name) {
  for (const auto& h : headers) {
    if (h.name == name) return &h.value;
  }
  return nullptr;
}

// True when the comma-separated header value lists token (case-insensitive).
bool ListHas(const std::string* value, std::string_view token) {
  if (!value) return false;
  std::string_view rest = *value;
  while (!rest.empty()) {
    size_t comma = rest.find(',');
    if (IEquals(Trim(rest.substr(0, comma)), token)) return true;
    if (comma == std::string_view::npos) break;
    rest.remove_prefix(comma + 1);
  }
  return false;
}

}  // namespace

size_t FindHeadEnd(std::string_view data) {
  size_t pos = 0;
  while (true) {
    size_t nl = data.find('\n', pos);
    if (nl == std::string_view::npos) return std::string_view::npos;
    std::string_view line = data.substr(pos, nl - pos);
    // The request line itself is never empty in a valid head; a blank line before it (stray
    // CRLF after a previous body) would end the head at once and be rejected, like httplib did.
    if (line.empty() || line == "\r") return nl + 1;
    pos = nl + 1;
  }
}

bool ParseRequestHead(std::string_view head, RequestHead* out) {
  std::vector<std::string_view> lines;
  while (!head.empty()) {
    size_t nl = head.find('\n');
    std::string_view line = head.substr(0, nl);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) break;
    lines.push_back(line);
    if (nl == std::string_view::npos) break;
    head.remove_prefix(nl + 1);
  }
  if (lines.empty()) return false;
  std::string_view request_line = lines.front();
  size_t sp1 = request_line.find(' ');
  if (sp1 == std::string_view::npos) return false;
  size_t sp2 = request_line.find(' ', sp1 + 1);
  if (sp2 == std::string_view::npos) return false;
  std::string_view method = request_line.substr(0, sp1);
  std::string_view target = request_line.substr(sp1 + 1, sp2 - sp1 - 1);
  std::string_view version = request_line.substr(sp2 + 1);
  if (!KnownMethod(method) || target.empty()) return false;
  if (version == "HTTP/1.1") {
    out->minor_version = 1;
  } else if (version == "HTTP/1.0") {
    out->minor_version = 0;
  } else {
    return false;
  }
  out->method = std::string(method);
  out->target = std::string(target);
  out->headers.clear();
  for (size_t i = 1; i < lines.size(); ++i) {
    size_t colon = lines[i].find(':');
    if (colon == std::string_view::npos || colon == 0) continue;
    out->headers.push_back({ToLower(Trim(lines[i].substr(0, colon))),
                            std::string(Trim(lines[i].substr(colon + 1)))});
  }
  return true;
}

BodyFraming GetBodyFraming(const std::vector<HttpHeader>& headers) {
  BodyFraming f;
  if (ListHas(Find(headers, "transfer-encoding"), "chunked")) f.chunked = true;
  if (const std::string* cl = Find(headers, "content-length")) {
    uint64_t v = 0;
    auto [p, ec] = std::from_chars(cl->data(), cl->data() + cl->size(), v);
    if (ec != std::errc() || p != cl->data() + cl->size() || cl->empty()) {
      if (!f.chunked) f.valid = false;
    } else {
      f.content_length = v;
    }
  }
  return f;
}

bool WantsKeepAlive(const RequestHead& head) {
  const std::string* connection = Find(head.headers, "connection");
  if (ListHas(connection, "close")) return false;
  return head.minor_version >= 1 || ListHas(connection, "keep-alive");
}

bool ExpectsContinue(const RequestHead& head) {
  const std::string* expect = Find(head.headers, "expect");
  return expect && IEquals(*expect, "100-continue");
}

std::string_view ReasonPhrase(int status) {
  switch (status) {
    case 100: return "Continue";
    case 200: return "OK";
    case 201: return "Created";
    case 202: return "Accepted";
    case 204: return "No Content";
    case 206: return "Partial Content";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 409: return "Conflict";
    case 410: return "Gone";
    case 411: return "Length Required";
    case 413: return "Payload Too Large";
    case 416: return "Range Not Satisfiable";
    case 429: return "Too Many Requests";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    default: return "Unknown";
  }
}

std::string FormatResponseHead(int status, const std::vector<HttpHeader>& headers,
                               const std::vector<HttpHeader>& extra) {
  std::vector<const HttpHeader*> all;
  all.reserve(headers.size() + extra.size());
  for (const auto& h : headers) all.push_back(&h);
  for (const auto& h : extra) all.push_back(&h);
  std::stable_sort(all.begin(), all.end(), [](const HttpHeader* a, const HttpHeader* b) {
    return ToLower(a->name) < ToLower(b->name);
  });
  std::string out = "HTTP/1.1 " + std::to_string(status) + " ";
  out += ReasonPhrase(status);
  out += "\r\n";
  for (const HttpHeader* h : all) {
    out += h->name;
    out += ": ";
    out += h->value;
    out += "\r\n";
  }
  out += "\r\n";
  return out;
}

}  // namespace mtg::server
