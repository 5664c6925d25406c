#include "access_log.h"

#include <errno.h>
#include <fcntl.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cctype>

namespace mtg::server {
namespace {

// Query parameters whose values are credentials or signatures (compared case-insensitively).
constexpr std::array<std::string_view, 6> kSecretParams = {
    "x-amz-signature", "x-amz-credential", "x-amz-security-token",
    "signature",       "awsaccesskeyid",   "token",
};

bool IsSecretParam(std::string_view name) {
  std::string lower(name);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return std::find(kSecretParams.begin(), kSecretParams.end(), lower) != kSecretParams.end();
}

void AppendEscaped(std::string_view text, std::string* out) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  for (unsigned char c : text) {
    if (c > 0x20 && c < 0x7f) {
      out->push_back(static_cast<char>(c));
    } else {
      out->push_back('%');
      out->push_back(kHex[c >> 4]);
      out->push_back(kHex[c & 15]);
    }
  }
}

std::string FieldOrDash(std::string_view text) {
  if (text.empty()) return "-";
  std::string out;
  AppendEscaped(text, &out);
  return out;
}

std::string FormatTime(int64_t unix_ms) {
  time_t seconds = static_cast<time_t>(unix_ms / 1000);
  struct tm tm_utc;
  gmtime_r(&seconds, &tm_utc);
  char buf[96];  // room for any int the format could print, so -O3 sees no truncation
  int ms = static_cast<int>(unix_ms % 1000);
  if (ms < 0) ms += 1000;
  snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm_utc.tm_year + 1900,
           tm_utc.tm_mon + 1, tm_utc.tm_mday, tm_utc.tm_hour, tm_utc.tm_min, tm_utc.tm_sec, ms);
  return buf;
}

}  // namespace

std::string SanitizeTarget(std::string_view target) {
  std::string out;
  size_t q = target.find('?');
  AppendEscaped(target.substr(0, q), &out);
  if (q == std::string_view::npos) return out.empty() ? "-" : out;
  out.push_back('?');
  std::string_view query = target.substr(q + 1);
  bool first = true;
  while (true) {
    size_t amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    if (!first) out.push_back('&');
    first = false;
    size_t eq = pair.find('=');
    std::string_view name = pair.substr(0, eq);
    AppendEscaped(name, &out);
    if (eq != std::string_view::npos) {
      out.push_back('=');
      if (IsSecretParam(name)) {
        out += "***";
      } else {
        AppendEscaped(pair.substr(eq + 1), &out);
      }
    }
    if (amp == std::string_view::npos) break;
    query = query.substr(amp + 1);
  }
  return out;
}

AccessRecord MakeAccessRecord(const Request& request, const Response& response, int64_t arrival_ms,
                              int64_t duration_us) {
  AccessRecord r;
  r.unix_ms = arrival_ms;
  std::string_view path = request.raw_path;
  if (path.starts_with('/')) {
    path.remove_prefix(1);
    r.account = std::string(path.substr(0, path.find('/')));
  }
  r.access_key = request.access_key;
  r.method = request.method;
  r.target = request.target;
  r.status = response.status;
  r.bytes_in = request.body_bytes_read();
  r.bytes_out = response.reset_after_bytes
                    ? std::min(*response.reset_after_bytes, response.BodyLength())
                    : response.BodyLength();
  r.duration_us = duration_us;
  r.operation = request.operation;
  return r;
}

std::string FormatAccessLine(const AccessRecord& r) {
  std::string line = FormatTime(r.unix_ms);
  line += ' ';
  line += FieldOrDash(r.account);
  line += ' ';
  line += FieldOrDash(r.access_key);
  line += ' ';
  line += FieldOrDash(r.method);
  line += ' ';
  line += SanitizeTarget(r.target);
  line += ' ';
  line += std::to_string(r.status);
  line += ' ';
  line += std::to_string(r.bytes_in);
  line += ' ';
  line += std::to_string(r.bytes_out);
  line += ' ';
  int64_t us = std::max<int64_t>(r.duration_us, 0);
  char dur[64];
  snprintf(dur, sizeof dur, "%lld.%03lld", static_cast<long long>(us / 1000),
           static_cast<long long>(us % 1000));
  line += dur;
  line += ' ';
  line += FieldOrDash(r.operation);
  line += '\n';
  return line;
}

Result<std::unique_ptr<AccessLog>> AccessLog::Open(const std::string& path) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
  if (fd < 0) return Fail(SysError("opening access log " + path, errno));
  return std::unique_ptr<AccessLog>(new AccessLog(fd));
}

AccessLog::~AccessLog() { ::close(fd_); }

void AccessLog::Write(const AccessRecord& record) {
  std::string line = FormatAccessLine(record);
  std::lock_guard<std::mutex> lock(mu_);
  std::string_view rest = line;
  while (!rest.empty()) {
    ssize_t n = ::write(fd_, rest.data(), rest.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      ++failed_writes_;
      return;
    }
    rest.remove_prefix(static_cast<size_t>(n));
  }
}

}  // namespace mtg::server
