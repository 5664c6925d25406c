#include "faults.h"

#include <algorithm>
#include <charconv>

namespace mtg::server {
namespace {

constexpr std::string_view kHelp =
    "--faults SPEC: inject faults into a fraction of requests (deterministic with --fault-seed N).\n"
    "  SPEC is a comma-separated list of rules OP:RATE:ACTION\n"
    "    OP      an operation (create-vault, describe-vault, list-vaults, delete-vault,\n"
    "            upload-archive, delete-archive, initiate-multipart-upload, upload-part,\n"
    "            complete-multipart-upload, abort-multipart-upload, list-parts,\n"
    "            list-multipart-uploads, initiate-job, describe-job, list-jobs, get-job-output,\n"
    "            set-vault-notifications, get-vault-notifications, delete-vault-notifications)\n"
    "            or * for all\n"
    "    RATE    fraction of matching requests hit, 0..1 (e.g. 0.2)\n"
    "    ACTION  500 | 503 | 408 (RequestTimeoutException) | throttle (400 ThrottlingException)\n"
    "            | reset (connection dropped mid-exchange) | slow=DURATION (e.g. slow=200ms, slow=2s;\n"
    "            adds a delay, combines with the others) | corrupt (flip one byte of job output;\n"
    "            get-job-output only)\n"
    "  Rules apply in order; the first firing non-slow rule decides.\n"
    "  Example: upload-part:0.2:500,get-job-output:0.1:corrupt,*:0.05:reset,*:0.1:slow=200ms\n";

uint64_t SplitMix(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

// A uniform draw in [0, 1) from 53 bits of the mix.
double Unit(uint64_t bits) { return static_cast<double>(bits >> 11) * (1.0 / 9007199254740992.0); }

std::vector<std::string_view> Split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  size_t start = 0;
  while (true) {
    size_t pos = s.find(sep, start);
    if (pos == std::string_view::npos) {
      out.push_back(s.substr(start));
      return out;
    }
    out.push_back(s.substr(start, pos - start));
    start = pos + 1;
  }
}

// A decimal in [0, 1]: digits, optionally a dot and more digits. No sign, no exponent.
bool ParseRate(std::string_view token, double* out) {
  if (token.empty() || token.size() > 20) return false;
  bool seen_digit = false;
  bool seen_dot = false;
  for (char c : token) {
    if (c == '.') {
      if (seen_dot) return false;
      seen_dot = true;
    } else if (c >= '0' && c <= '9') {
      seen_digit = true;
    } else {
      return false;
    }
  }
  if (!seen_digit) return false;
  double value = 0;
  double scale = 1;
  bool after_dot = false;
  for (char c : token) {
    if (c == '.') {
      after_dot = true;
    } else if (after_dot) {
      scale /= 10;
      value += (c - '0') * scale;
    } else {
      value = value * 10 + (c - '0');
    }
  }
  if (value > 1.0) return false;
  *out = value;
  return true;
}

// DURATION: digits followed by ms or s; at most one hour.
bool ParseDuration(std::string_view token, int64_t* ms) {
  int64_t unit = 0;
  std::string_view digits;
  if (token.ends_with("ms")) {
    unit = 1;
    digits = token.substr(0, token.size() - 2);
  } else if (token.ends_with("s")) {
    unit = 1000;
    digits = token.substr(0, token.size() - 1);
  } else {
    return false;
  }
  if (digits.empty() || digits.size() > 9) return false;
  int64_t value = 0;
  auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  if (ec != std::errc() || ptr != digits.data() + digits.size()) return false;
  value *= unit;
  if (value > 3600 * 1000) return false;
  *ms = value;
  return true;
}

std::string Quote(std::string_view s) { return "'" + std::string(s) + "'"; }

}  // namespace

bool IsKnownOperation(std::string_view name) {
  return std::find(std::begin(kFaultOperations), std::end(kFaultOperations), name) !=
         std::end(kFaultOperations);
}

std::string_view FaultSpecHelp() { return kHelp; }

Result<std::vector<FaultRule>> ParseFaultSpec(std::string_view spec) {
  std::vector<FaultRule> rules;
  if (spec.empty()) return rules;
  auto bad = [](size_t index, std::string_view rule, std::string_view what) {
    return Fail(ErrorCode::kInvalidArgument,
                "--faults: rule " + std::to_string(index + 1) + " " + Quote(rule) + ": " +
                    std::string(what));
  };
  auto texts = Split(spec, ',');
  for (size_t i = 0; i < texts.size(); ++i) {
    std::string_view text = texts[i];
    auto parts = Split(text, ':');
    if (parts.size() != 3) {
      return bad(i, text, "expected OP:RATE:ACTION (3 fields separated by ':'), got " +
                              std::to_string(parts.size()) + " field(s)");
    }
    FaultRule rule;
    if (parts[0] != "*" && !IsKnownOperation(parts[0])) {
      return bad(i, text, "unknown operation " + Quote(parts[0]));
    }
    rule.operation = std::string(parts[0]);
    if (!ParseRate(parts[1], &rule.rate)) {
      return bad(i, text, "bad rate " + Quote(parts[1]) + " (want a decimal from 0 to 1)");
    }
    std::string_view action = parts[2];
    if (action == "500") {
      rule.action = FaultAction::kError;
      rule.status = 500;
      rule.aws_code = "ServiceUnavailableException";
    } else if (action == "503") {
      rule.action = FaultAction::kError;
      rule.status = 503;
      rule.aws_code = "ServiceUnavailableException";
    } else if (action == "408") {
      rule.action = FaultAction::kError;
      rule.status = 408;
      rule.aws_code = "RequestTimeoutException";
    } else if (action == "throttle") {
      rule.action = FaultAction::kError;
      rule.status = 400;
      rule.aws_code = "ThrottlingException";
    } else if (action == "reset") {
      rule.action = FaultAction::kReset;
    } else if (action == "corrupt") {
      if (rule.operation != "*" && rule.operation != "get-job-output") {
        return bad(i, text, "action 'corrupt' applies only to get-job-output (or *)");
      }
      rule.action = FaultAction::kCorrupt;
    } else if (action.starts_with("slow=")) {
      if (!ParseDuration(action.substr(5), &rule.delay_ms)) {
        return bad(i, text,
                   "bad duration " + Quote(action.substr(5)) + " (want e.g. 200ms or 2s, at most 1h)");
      }
    } else {
      return bad(i, text,
                 "unknown action " + Quote(action) +
                     " (want 500, 503, 408, throttle, reset, corrupt or slow=DURATION)");
    }
    rules.push_back(std::move(rule));
  }
  return rules;
}

FaultInjector::FaultInjector(std::vector<FaultRule> rules, uint64_t seed)
    : rules_(std::move(rules)),
      seed_(seed),
      counters_(std::make_unique<std::atomic<uint64_t>[]>(rules_.size())) {}

FaultDecision FaultInjector::Decide(std::string_view operation) {
  FaultDecision decision;
  for (size_t i = 0; i < rules_.size(); ++i) {
    const FaultRule& rule = rules_[i];
    if (rule.operation != "*" && rule.operation != operation) continue;
    // corrupt under * only ever touches job output.
    if (rule.action == FaultAction::kCorrupt && operation != "get-job-output") continue;
    uint64_t n = counters_[i].fetch_add(1, std::memory_order_relaxed);
    uint64_t bits = SplitMix(SplitMix(seed_ ^ (0x51ed2701ULL * (i + 1))) ^ n);
    if (Unit(bits) >= rule.rate) continue;
    if (rule.action == FaultAction::kNone) {
      decision.delay_ms += rule.delay_ms;
      continue;
    }
    if (decision.action != FaultAction::kNone) continue;
    decision.action = rule.action;
    decision.status = rule.status;
    decision.aws_code = rule.aws_code;
    decision.corrupt_salt = SplitMix(bits);
    if (rule.action == FaultAction::kError) {
      decision.message = "injected fault (rule " + std::to_string(i + 1) + ")";
    }
  }
  return decision;
}

uint64_t FaultInjector::CorruptOffset(const FaultDecision& decision, uint64_t length) {
  return length == 0 ? 0 : decision.corrupt_salt % length;
}

void FaultInjector::CorruptBody(const FaultDecision& decision, std::span<uint8_t> body) {
  if (body.empty()) return;
  body[CorruptOffset(decision, body.size())] ^= 0x5a;
}

}  // namespace mtg::server
