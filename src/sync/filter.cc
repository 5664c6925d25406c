#include "sync/filter.h"

#include <utility>
#include <array>
#include <memory>

#include "config/text.h"

namespace mtg::sync {
namespace {

// Length of one character at the start of s: a well-formed UTF-8 sequence, or a single byte.
size_t CharLength(std::string_view s) {
  size_t n = config::Utf8SequenceLength(s);
  return n == 0 ? 1 : n;
}

// Length of a Perl Unicode `\s` character at the start of s (0 when there is none).
size_t WhitespaceLength(std::string_view s) {
  if (s.empty()) return 0;
  auto b = [&](size_t i) { return i < s.size() ? static_cast<uint8_t>(s[i]) : 0; };
  switch (b(0)) {
    case ' ': case '\t': case '\n': case '\v': case '\f': case '\r':
      return 1;
    case 0xC2:  // U+0085 NEL, U+00A0 NO-BREAK SPACE
      return (b(1) == 0x85 || b(1) == 0xA0) ? 2 : 0;
    case 0xE1:  // U+1680 OGHAM SPACE MARK
      return (b(1) == 0x9A && b(2) == 0x80) ? 3 : 0;
    case 0xE2:
      if (b(1) == 0x80 && ((b(2) >= 0x80 && b(2) <= 0x8A) || b(2) == 0xA8 || b(2) == 0xA9 ||
                           b(2) == 0xAF)) {
        return 3;  // U+2000..U+200A, U+2028, U+2029, U+202F
      }
      return (b(1) == 0x81 && b(2) == 0x9F) ? 3 : 0;  // U+205F
    case 0xE3:  // U+3000 IDEOGRAPHIC SPACE
      return (b(1) == 0x80 && b(2) == 0x80) ? 3 : 0;
    default:
      return 0;
  }
}

size_t SkipWhitespace(std::string_view s, size_t pos) {
  while (pos < s.size()) {
    size_t n = WhitespaceLength(s.substr(pos));
    if (n == 0) break;
    pos += n;
  }
  return pos;
}

// Perl's quotemeta for one byte: every ASCII character that is not a word character is escaped.
void AppendQuoted(std::string& out, char c) {
  auto u = static_cast<unsigned char>(c);
  bool word = (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || (u >= '0' && u <= '9') ||
              u == '_' || u >= 0x80;
  if (!word) out += '\\';
  out += c;
}

// Perl's `$` without /m: the end of the subject, or just before a newline that ends it.
bool AtEnd(std::string_view s, size_t pos) {
  return pos == s.size() || (pos + 1 == s.size() && s[pos] == '\n');
}

}  // namespace

FilterRule::FilterRule(FilterAction action, std::string_view pattern)
    : action_(action), pattern_(pattern) {
  std::string_view p = pattern;
  if (!p.empty() && p.front() == '!') {
    negated_ = true;
    p.remove_prefix(1);
  }
  if (p.empty()) {
    match_all_ = true;
    match_subdirs_ = !negated_;
    regex_ = ".*";
    return;
  }
  std::string body;
  for (size_t i = 0; i < p.size();) {
    GlobToken::Kind kind;
    size_t used;
    if (p.substr(i, 4) == "/**/") {
      kind = GlobToken::kSlashDeep, used = 4;
      body += "(/|/.*/)";
    } else if (p.substr(i, 2) == "**") {
      kind = GlobToken::kStarAny, used = 2;
      body += ".*";
    } else if (p[i] == '*') {
      kind = GlobToken::kStarInSegment, used = 1;
      body += "[^/]*";
    } else if (p[i] == '?') {
      kind = GlobToken::kOneChar, used = 1;
      body += "[^/]";
    } else {
      AppendQuoted(body, p[i]);
      if (tokens_.empty() || tokens_.back().kind != GlobToken::kLiteral) {
        tokens_.push_back(GlobToken{GlobToken::kLiteral, {}});
      }
      tokens_.back().text += p[i];
      ++i;
      continue;
    }
    tokens_.push_back(GlobToken{kind, {}});
    i += used;
  }
  // A '/' followed by any character (Perl's `/.`: any but a newline) roots the pattern.
  for (size_t i = 0; i + 1 < p.size(); ++i) {
    if (p[i] == '/' && p[i + 1] != '\n') {
      rooted_ = true;
      break;
    }
  }
  anchored_end_ = p.back() != '/';
  match_subdirs_ = !negated_ && (p.back() == '/' || p.ends_with("**"));
  regex_ = (rooted_ ? "^/?" : "(^|/)") + body + (anchored_end_ ? "$" : "");
}

std::string FilterRule::ToString() const {
  return std::string(action_ == FilterAction::kInclude ? "+" : "-") + "<" + pattern_ + ">";
}

bool FilterRule::Matches(std::string_view s) const {
  if (match_all_) return true;
  // Dynamic programming from the last token back: next[p] says whether tokens_[t+1..] match
  // s[p..], cur[p] the same for tokens_[t..]. O(tokens × length) for any pattern, so stars can
  // never make it blow up the way a backtracking regex does.
  const size_t n = s.size();
  std::array<uint8_t, 2 * 256> small;
  std::unique_ptr<uint8_t[]> large;
  uint8_t* next = small.data();
  if (2 * (n + 1) > small.size()) {
    large = std::make_unique<uint8_t[]>(2 * (n + 1));
    next = large.get();
  }
  uint8_t* cur = next + (n + 1);
  for (size_t p = 0; p <= n; ++p) next[p] = !anchored_end_ || AtEnd(s, p);
  auto step = [&](size_t p) { return p + CharLength(s.substr(p)); };
  for (size_t t = tokens_.size(); t-- > 0;) {
    const GlobToken& token = tokens_[t];
    cur[n] = 0;
    switch (token.kind) {
      case GlobToken::kLiteral:
        for (size_t p = 0; p < n; ++p) {
          cur[p] = s.substr(p).starts_with(token.text) && next[p + token.text.size()];
        }
        break;
      case GlobToken::kOneChar:  // [^/]
        for (size_t p = 0; p < n; ++p) cur[p] = s[p] != '/' && next[step(p)];
        break;
      case GlobToken::kStarInSegment:  // [^/]*
        cur[n] = next[n];
        for (size_t p = n; p-- > 0;) cur[p] = next[p] || (s[p] != '/' && cur[step(p)]);
        break;
      case GlobToken::kStarAny:  // .*  (Perl's `.` stops at a newline)
        cur[n] = next[n];
        for (size_t p = n; p-- > 0;) cur[p] = next[p] || (s[p] != '\n' && cur[step(p)]);
        break;
      case GlobToken::kSlashDeep: {  // (/|/.*/)
        // later: there is a '/' at some q >= p, with no newline before it, and next[q + 1].
        bool later = false;
        for (size_t p = n; p-- > 0;) {
          later = (s[p] == '/' && next[p + 1]) || (s[p] != '\n' && later);
          cur[p] = s[p] == '/' && later;
        }
        break;
      }
    }
    std::swap(cur, next);
  }
  // `next` now holds the whole pattern's answer for every start position.
  if (rooted_) return next[0] || (n > 0 && s[0] == '/' && next[1]);  // ^/?
  if (next[0]) return true;                                          // (^|/)
  for (size_t i = 0; i < n; ++i) {
    if (s[i] == '/' && next[i + 1]) return true;
  }
  return false;
}

Result<std::vector<ParsedRule>> ParseFilterValue(std::string_view text) {
  std::vector<ParsedRule> rules;
  size_t pos = 0;
  // Each piece is /\s*[+-]\s*\S*\s*/: a sign, then the next run of non-space is the pattern.
  for (;;) {
    size_t i = SkipWhitespace(text, pos);
    if (i >= text.size() || (text[i] != '+' && text[i] != '-')) break;
    FilterAction action = text[i] == '+' ? FilterAction::kInclude : FilterAction::kExclude;
    i = SkipWhitespace(text, i + 1);
    size_t start = i;
    while (i < text.size() && WhitespaceLength(text.substr(i)) == 0) i += CharLength(text.substr(i));
    rules.push_back(ParsedRule{action, std::string(text.substr(start, i - start))});
    pos = SkipWhitespace(text, i);
  }
  if (rules.empty() || pos != text.size()) {
    return Fail(ErrorCode::kInvalidArgument,
                "Error in parsing filter " + std::string(text.substr(rules.empty() ? 0 : pos)));
  }
  return rules;
}

Result<Filter> Filter::FromOptions(std::span<const FilterOption> options) {
  Filter filter;
  for (const FilterOption& option : options) {
    switch (option.kind) {
      case FilterOptionKind::kFilter:
        MTG_TRY_VOID(filter.AddFilter(option.value));
        break;
      case FilterOptionKind::kInclude:
        filter.AddInclude(option.value);
        break;
      case FilterOptionKind::kExclude:
        filter.AddExclude(option.value);
        break;
    }
  }
  return filter;
}

Result<void> Filter::AddFilter(std::string_view rules) {
  auto parsed = ParseFilterValue(rules);
  if (!parsed) return std::unexpected(std::move(parsed.error()));
  for (ParsedRule& rule : *parsed) rules_.emplace_back(rule.action, rule.pattern);
  return Ok();
}

void Filter::AddInclude(std::string_view pattern) {
  rules_.emplace_back(FilterAction::kInclude, pattern);
}

void Filter::AddExclude(std::string_view pattern) {
  rules_.emplace_back(FilterAction::kExclude, pattern);
}

Filter::Decision Filter::Check(std::string_view name) const {
  if (rules_.empty()) return Decision{};
  std::string subject;
  subject.reserve(name.size() + 1);
  subject += '/';
  subject += name;
  bool include_rule_seen = false;
  for (const FilterRule& rule : rules_) {
    if (rule.action() == FilterAction::kInclude) include_rule_seen = true;
    if (rule.Decides(subject)) {
      return Decision{rule.action() == FilterAction::kInclude,
                      !include_rule_seen && rule.match_subdirs()};
    }
  }
  return Decision{};
}

bool Filter::PrunesDir(std::string_view relative_dir) const {
  if (rules_.empty() || relative_dir.empty()) return false;
  std::string name;
  name.reserve(relative_dir.size() + 1);
  name += relative_dir;
  name += '/';
  Decision d = Check(name);
  return !d.include && d.match_subdirs;
}

}  // namespace mtg::sync
