// The --filter / --include / --exclude rules of mt-aws-glacier 1.120 (reference §4): one ordered
// rule list, the pattern language (`!`, `**`, `*`, `?`, `/**/`, anchoring, trailing `/`), and the
// first-deciding-rule check used for file names, journal records and directory pruning.
//
// This follows the original CODE, not its README (they differ on anchoring: `tmp/myfile` matches
// only `tmp/myfile` at the root, never `data/tmp/myfile`). Patterns are compiled into a small
// glob matcher with exactly the semantics of the regex the original builds (regex_source() shows
// that regex); std::regex is not used: it is slow and can blow up on hostile patterns.
//
// Characters: the original matched decoded (UTF-8) strings, so `?` and each step of `*` consume
// one whole UTF-8 character; a byte that is not part of a well-formed sequence counts as one
// character. Whitespace in --filter is Perl's Unicode `\s`.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace mtg::sync {

enum class FilterAction { kInclude, kExclude };

// One occurrence of a filter option on the command line; the CLI passes them in command-line order.
enum class FilterOptionKind { kFilter, kInclude, kExclude };
struct FilterOption {
  FilterOptionKind kind;
  std::string value;
};

// A pattern split into matching steps (the pieces of the regex the original builds).
struct GlobToken {
  enum Kind : uint8_t {
    kLiteral,         // the bytes of `text` (quotemeta'd text in the regex)
    kOneChar,         // `?`  → [^/]   one character that is not '/'
    kStarInSegment,   // `*`  → [^/]*
    kStarAny,         // `**` → .*
    kSlashDeep,       // `/**/` → (/|/.*/): a '/' alone, or '/' ... '/'
  };
  Kind kind;
  std::string text;
};

class FilterRule {
 public:
  // Compiles `pattern` exactly as given to the option (a leading '!' negates the rule).
  FilterRule(FilterAction action, std::string_view pattern);

  FilterAction action() const { return action_; }
  // The pattern as given, including a leading '!'.
  const std::string& pattern() const { return pattern_; }
  bool negated() const { return negated_; }
  // Whether an exclusion by this rule also covers everything below a matching directory.
  bool match_subdirs() const { return match_subdirs_; }
  // The regex mt-aws-glacier 1.120 builds for this pattern (Perl syntax), e.g. `(^|/)[^/]*\.txt$`.
  const std::string& regex_source() const { return regex_; }

  // Whether the pattern (ignoring '!') matches `subject` ("/" + relative name) anywhere the
  // regex would: `^/?` anchoring for patterns with an inner '/', `(^|/)` otherwise, `$` unless
  // the pattern ends with '/'.
  bool Matches(std::string_view subject) const;
  // Matches() with the '!' applied: whether this rule decides for `subject`.
  bool Decides(std::string_view subject) const { return Matches(subject) != negated_; }

  // "+<pattern>" / "-<pattern>", how the original's debug output and our tests show a rule.
  std::string ToString() const;

 private:
  FilterAction action_;
  std::string pattern_;
  bool negated_ = false;
  bool match_subdirs_ = false;
  bool match_all_ = false;        // empty pattern: regex `.*`
  bool rooted_ = false;           // `^/?` (pattern has a '/' before its last character)
  bool anchored_end_ = false;     // `$` appended
  std::vector<GlobToken> tokens_;
  std::string regex_;
};

// Splits one --filter value into (action, pattern) pairs: `'+*.txt -file.txt'`, `' - foo/ +  bar'`,
// `'-'` (empty pattern), `'+ -x'` (pattern "-x"). Error: "Error in parsing filter <rest>".
struct ParsedRule {
  FilterAction action;
  std::string pattern;
};
[[nodiscard]] Result<std::vector<ParsedRule>> ParseFilterValue(std::string_view text);

class Filter {
 public:
  Filter() = default;

  // All options in command-line order, as the original concatenates them.
  [[nodiscard]] static Result<Filter> FromOptions(std::span<const FilterOption> options);

  [[nodiscard]] Result<void> AddFilter(std::string_view rules);  // --filter
  void AddInclude(std::string_view pattern);                     // --include
  void AddExclude(std::string_view pattern);                     // --exclude

  bool empty() const { return rules_.empty(); }
  const std::vector<FilterRule>& rules() const { return rules_; }

  struct Decision {
    bool include = true;
    // Meaningful when excluded: the whole subtree is excluded too. Forced false once any '+'
    // rule was passed over or matched, as in the original.
    bool match_subdirs = false;
  };
  // The original's check_dir: `name` is a relative file name ("a/b.txt") or a relative
  // directory with a trailing slash ("a/b/"); the subject matched is "/" + name. The first
  // rule that decides wins; with none, the name is included.
  Decision Check(std::string_view name) const;
  // For files and journal records (the original's check_filenames).
  bool IncludesFile(std::string_view relative_name) const { return Check(relative_name).include; }
  // Whether a scan may skip the directory `relative_dir` ("a/b", no trailing slash) with all its
  // contents: excluded with match_subdirs. Never true without rules.
  bool PrunesDir(std::string_view relative_dir) const;

 private:
  std::vector<FilterRule> rules_;
};

}  // namespace mtg::sync
