#include "sync/filter.h"

// g++ 12 reports false "maybe-uninitialized" warnings inside libstdc++'s <regex> at -O2 with the
// sanitizers; std::regex is only the test's reference here.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

#include <gtest/gtest.h>

#include <cctype>
#include <chrono>
#include <random>
#include <regex>
#include <string>
#include <vector>

namespace mtg::sync {
namespace {

std::vector<std::string> Show(const Filter& filter) {
  std::vector<std::string> out;
  for (const FilterRule& rule : filter.rules()) out.push_back(rule.ToString());
  return out;
}

Filter Parse(std::string_view text) {
  Filter filter;
  auto ok = filter.AddFilter(text);
  EXPECT_TRUE(ok) << text << ": " << (ok ? "" : ok.error().message);
  return filter;
}

std::string ParseError(std::string_view text) {
  auto parsed = ParseFilterValue(text);
  if (parsed) return "(parsed)";
  EXPECT_EQ(parsed.error().code, ErrorCode::kInvalidArgument);
  return parsed.error().message;
}

using Rules = std::vector<std::string>;

TEST(FilterParse, ExamplesFromTheReference) {
  EXPECT_EQ(Show(Parse("+*.txt -file.txt")), (Rules{"+<*.txt>", "-<file.txt>"}));
  EXPECT_EQ(Show(Parse(" - foo/ +  bar")), (Rules{"-<foo/>", "+<bar>"}));
  EXPECT_EQ(Show(Parse("-")), (Rules{"-<>"}));
  EXPECT_EQ(Show(Parse("+ -x")), (Rules{"+<-x>"}));  // the space after the sign is skipped
}

TEST(FilterParse, MoreShapes) {
  EXPECT_EQ(Show(Parse("+a+b")), (Rules{"+<a+b>"}));  // \S* is greedy
  EXPECT_EQ(Show(Parse("++")), (Rules{"+<+>"}));
  EXPECT_EQ(Show(Parse("-!/data/ +*.gz -")), (Rules{"-<!/data/>", "+<*.gz>", "-<>"}));
  EXPECT_EQ(Show(Parse("\t+a\n-b  ")), (Rules{"+<a>", "-<b>"}));
  EXPECT_EQ(Show(Parse("+ -")), (Rules{"+<->"}));
  EXPECT_EQ(Show(Parse("- -")), (Rules{"-<->"}));
  EXPECT_EQ(Show(Parse("+ ")), (Rules{"+<>"}));
  // Perl's \s on decoded strings includes Unicode spaces (NO-BREAK SPACE, IDEOGRAPHIC SPACE).
  EXPECT_EQ(Show(Parse("+a\u00A0-b\u3000+c")), (Rules{"+<a>", "-<b>", "+<c>"}));
  EXPECT_EQ(Show(Parse("+été -😀")), (Rules{"+<été>", "-<😀>"}));
}

TEST(FilterParse, Errors) {
  EXPECT_EQ(ParseError("x"), "Error in parsing filter x");
  EXPECT_EQ(ParseError(""), "Error in parsing filter ");
  EXPECT_EQ(ParseError("   "), "Error in parsing filter    ");
  EXPECT_EQ(ParseError("+a x"), "Error in parsing filter x");
  EXPECT_EQ(ParseError("+a  -b c d"), "Error in parsing filter c d");
  EXPECT_EQ(ParseError("*.txt"), "Error in parsing filter *.txt");
  Filter filter;
  EXPECT_FALSE(filter.AddFilter("+a junk"));
  EXPECT_TRUE(filter.empty());  // nothing half-added
}

TEST(FilterParse, OptionsKeepCommandLineOrder) {
  std::vector<FilterOption> options = {{FilterOptionKind::kInclude, "a b"},
                                       {FilterOptionKind::kFilter, "-x +y"},
                                       {FilterOptionKind::kExclude, "!z"},
                                       {FilterOptionKind::kInclude, ""}};
  auto filter = Filter::FromOptions(options);
  ASSERT_TRUE(filter);
  EXPECT_EQ(Show(*filter), (Rules{"+<a b>", "-<x>", "+<y>", "-<!z>", "+<>"}));
  options.push_back({FilterOptionKind::kFilter, "bad"});
  auto bad = Filter::FromOptions(options);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().message, "Error in parsing filter bad");
}

TEST(FilterPattern, RegexTableFromTheReference) {
  struct Case {
    const char* pattern;
    const char* regex;
    bool match_subdirs;
  };
  for (const Case& c : std::initializer_list<Case>{
           {"/tmp/myfile", R"(^/?\/tmp\/myfile$)", false},
           {"tmp/myfile", R"(^/?tmp\/myfile$)", false},
           {"myfile", R"((^|/)myfile$)", false},
           {"log/", R"((^|/)log\/)", true},
           {"/foo/**/bar", R"(^/?\/foo(/|/.*/)bar$)", false},
           {"**/file", R"(^/?.*\/file$)", false},
           {"??.txt", R"((^|/)[^/][^/]\.txt$)", false},
           // More translations, derived from the rules of §4.
           {"", ".*", true},
           {"!", ".*", false},
           {"!log/", R"((^|/)log\/)", false},
           {"foo**", R"((^|/)foo.*$)", true},
           {"***", R"((^|/).*[^/]*$)", true},
           {"a/**/**/b", R"(^/?a(/|/.*/).*\/b$)", false},
           {"/**", R"(^/?\/.*$)", true},
           {"/", R"((^|/)\/)", true},  // the only '/' is not followed by a character
           {"a b-c%#\\", R"((^|/)a\ b\-c\%\#\\$)", false},
           {"*.txt", R"((^|/)[^/]*\.txt$)", false},
       }) {
    FilterRule rule(FilterAction::kExclude, c.pattern);
    EXPECT_EQ(rule.regex_source(), c.regex) << c.pattern;
    EXPECT_EQ(rule.match_subdirs(), c.match_subdirs) << c.pattern;
    EXPECT_EQ(rule.negated(), c.pattern[0] == '!') << c.pattern;
  }
}

// `filter` keeps `name` (a relative file name)?
bool Keeps(std::string_view filter, std::string_view name) { return Parse(filter).IncludesFile(name); }

TEST(FilterMatch, CodeNotReadme) {
  // The README claims inner-slash patterns match anywhere; the code roots them.
  EXPECT_TRUE(Keeps("+tmp/myfile -", "tmp/myfile"));
  EXPECT_FALSE(Keeps("+tmp/myfile -", "home/john/tmp/myfile"));
  EXPECT_FALSE(Keeps("+tmp/myfile -", "data/tmp/myfile"));
  EXPECT_FALSE(Keeps("+tmp/myfile -", "tmp/myfile/myfile1"));
  EXPECT_TRUE(Keeps("+/tmp/myfile -", "tmp/myfile"));
}

TEST(FilterMatch, ReadmeExamplesConfirmedByRuns) {
  EXPECT_TRUE(Keeps("+/tmp*/file -", "tmp1/file"));
  EXPECT_FALSE(Keeps("+/tmp*/file -", "tmp1/x/file"));
  EXPECT_TRUE(Keeps("+/foo/**/bar -", "foo/bar"));
  EXPECT_TRUE(Keeps("+/foo/**/bar -", "foo/x/y/bar"));
  EXPECT_FALSE(Keeps("+/foo/**/bar -", "foo/xbar"));
  EXPECT_FALSE(Keeps("+/foo/**/bar -", "a/foo/bar"));
  // -!/data/ +*.gz -   keeps only data/**.gz
  for (const char* kept : {"data/a.gz", "data/x/y.gz"}) EXPECT_TRUE(Keeps("-!/data/ +*.gz -", kept));
  for (const char* dropped : {"other/a.gz", "data/a.txt", "a.gz", "data.gz", "x/data/a.gz"}) {
    EXPECT_FALSE(Keeps("-!/data/ +*.gz -", dropped)) << dropped;
  }
  // +data/ -   matches a directory anywhere, never a file named data.
  EXPECT_TRUE(Keeps("+data/ -", "data/x"));
  EXPECT_TRUE(Keeps("+data/ -", "a/data/x"));
  EXPECT_FALSE(Keeps("+data/ -", "data"));
  EXPECT_FALSE(Keeps("+data/ -", "mydata/x"));
}

TEST(FilterMatch, PatternPieces) {
  EXPECT_TRUE(Keeps("+myfile -", "myfile"));
  EXPECT_TRUE(Keeps("+myfile -", "a/b/myfile"));
  EXPECT_FALSE(Keeps("+myfile -", "amyfile"));
  EXPECT_FALSE(Keeps("+myfile -", "myfile2"));
  EXPECT_TRUE(Keeps("+??.txt -", "ab.txt"));
  EXPECT_TRUE(Keeps("+??.txt -", "dir/ab.txt"));
  EXPECT_FALSE(Keeps("+??.txt -", "abc.txt"));
  EXPECT_FALSE(Keeps("+??.txt -", "a/.txt"));
  EXPECT_TRUE(Keeps("+**/file -", "file"));  // `.*` may be empty and `^/?` skips nothing
  EXPECT_TRUE(Keeps("+**/file -", "a/b/file"));
  EXPECT_FALSE(Keeps("+**/file -", "a/bfile"));
  EXPECT_TRUE(Keeps("+*.txt -", "a/b c/d.txt"));
  EXPECT_FALSE(Keeps("+*.txt -", "a.txt/b"));
  EXPECT_TRUE(Keeps("+a** -", "a/b/c"));
  EXPECT_FALSE(Keeps("+a* -", "a/b/c"));
  // `.` is literal, `\` is literal.
  EXPECT_FALSE(Keeps("+a.c -", "abc"));
  EXPECT_TRUE(Keeps("+a\\b -", "a\\b"));
}

TEST(FilterMatch, QuestionMarkIsOneCharacter) {
  EXPECT_TRUE(Keeps("+??.txt -", "éé.txt"));      // two 2-byte characters
  EXPECT_TRUE(Keeps("+?.txt -", "😀.txt"));        // one 4-byte character
  EXPECT_FALSE(Keeps("+??.txt -", "😀.txt"));
  EXPECT_TRUE(Keeps("+?.txt -", "\xff.txt"));      // an invalid byte counts as one
  EXPECT_TRUE(Keeps("+*?é -", "xxé"));
}

TEST(FilterCheck, DefaultsAndFirstDecidingRule) {
  Filter none;
  EXPECT_TRUE(none.IncludesFile("anything"));
  EXPECT_FALSE(none.PrunesDir("anything"));
  EXPECT_TRUE(Keeps("-a", "b"));  // no rule decides: included
  EXPECT_FALSE(Keeps("-a +a", "a"));
  EXPECT_TRUE(Keeps("+a -a", "a"));
  EXPECT_TRUE(Keeps("-!", "x"));     // `!` + empty pattern never decides
  EXPECT_FALSE(Keeps("-! -", "x"));
  EXPECT_FALSE(Keeps("-!a", "b"));   // negation decides when the pattern does not match
  EXPECT_TRUE(Keeps("-!a", "a"));
}

TEST(FilterCheck, MatchSubdirsAndPruning) {
  auto decide = [](std::string_view filter, std::string_view name) { return Parse(filter).Check(name); };
  Filter::Decision d = decide("-tmp/", "tmp/");
  EXPECT_FALSE(d.include);
  EXPECT_TRUE(d.match_subdirs);
  d = decide("+foo -tmp/", "tmp/");  // an include rule passed over
  EXPECT_FALSE(d.include);
  EXPECT_FALSE(d.match_subdirs);
  d = decide("-!/data/", "other/");  // negated rules never prune
  EXPECT_FALSE(d.include);
  EXPECT_FALSE(d.match_subdirs);
  d = decide("-", "x/");
  EXPECT_FALSE(d.include);
  EXPECT_TRUE(d.match_subdirs);
  d = decide("-*.tmp", "a.tmp/");  // `$` after a file pattern: the directory is not matched
  EXPECT_TRUE(d.include);

  EXPECT_TRUE(Parse("-log/").PrunesDir("log"));
  EXPECT_TRUE(Parse("-log/").PrunesDir("a/log"));
  EXPECT_FALSE(Parse("-log/").PrunesDir("logs"));
  EXPECT_TRUE(Parse("-log/").IncludesFile("log"));  // a file named log is not a directory
  EXPECT_FALSE(Parse("-log/").IncludesFile("a/log/x"));
  EXPECT_TRUE(Parse("-foo**").PrunesDir("foo"));
  EXPECT_TRUE(Parse("-foo**").PrunesDir("foobar"));
  EXPECT_FALSE(Parse("-foo*").PrunesDir("foo"));
  EXPECT_FALSE(Parse("+x -log/").PrunesDir("log"));
  EXPECT_FALSE(Parse("-!/data/ +*.gz -").PrunesDir("data"));
  EXPECT_FALSE(Parse("-!/data/ +*.gz -").PrunesDir("other"));  // excluded, but not pruned
  EXPECT_TRUE(Parse("-").PrunesDir("x"));
}

TEST(FilterMatch, HostilePatternsStayFast) {
  FilterRule rule(FilterAction::kExclude, "*a*a*a*a*a*a*a*a*a*a*a*a*b");
  FilterRule deep(FilterAction::kExclude, "**a**a**a**a**a**a**a**a**a**a**b");
  FilterRule slashes(FilterAction::kExclude, "/**/**/**/**/**/**/**/**/x");
  std::string long_name = "/" + std::string(2000, 'a');
  std::string long_path = "/";
  for (int i = 0; i < 500; ++i) long_path += "a/";
  auto start = std::chrono::steady_clock::now();
  EXPECT_FALSE(rule.Matches(long_name));
  EXPECT_FALSE(deep.Matches(long_name));
  EXPECT_FALSE(slashes.Matches(long_path));
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
}

// ---- Differential test: our matcher against std::regex fed the exact §4 translation. ----

// The regex mt-aws-glacier builds, written for std::regex (ECMAScript): quotemeta'd characters
// become \xHH escapes so every one is literal.
std::string ReferenceRegex(std::string_view pattern) {
  bool negated = !pattern.empty() && pattern[0] == '!';
  std::string_view p = negated ? pattern.substr(1) : pattern;
  if (p.empty()) return ".*";
  std::string re;
  for (size_t i = 0; i < p.size();) {
    if (p.substr(i, 4) == "/**/") {
      re += "(/|/.*/)", i += 4;
    } else if (p.substr(i, 2) == "**") {
      re += ".*", i += 2;
    } else if (p[i] == '*') {
      re += "[^/]*", ++i;
    } else if (p[i] == '?') {
      re += "[^/]", ++i;
    } else {
      unsigned char c = static_cast<unsigned char>(p[i++]);
      if (std::isalnum(c) || c == '_') {
        re += static_cast<char>(c);
      } else {
        static constexpr char kHex[] = "0123456789abcdef";
        re += "\\x";
        re += kHex[c >> 4];
        re += kHex[c & 15];
      }
    }
  }
  bool inner_slash = p.find('/') != std::string_view::npos && p.find('/') + 1 < p.size();
  re = (inner_slash ? "^/?" : "(^|/)") + re;
  if (p.back() != '/') re += "$";
  return re;
}

std::string RandomString(std::mt19937& rng, std::string_view alphabet, size_t max_len) {
  std::uniform_int_distribution<size_t> len(0, max_len);
  std::uniform_int_distribution<size_t> pick(0, alphabet.size() - 1);
  std::string s;
  for (size_t n = len(rng); n > 0; --n) s += alphabet[pick(rng)];
  return s;
}

TEST(FilterMatch, AgreesWithStdRegexOnTheReferenceTranslation) {
  std::mt19937 rng(20140101);
  std::vector<std::string> names = {"", "a", "a/b", "ab/ba", "a.b", "/", "//", "a//b", "-x", "a b"};
  for (int i = 0; i < 300; ++i) names.push_back(RandomString(rng, "ab/./-", 12));
  std::vector<std::string> patterns = {"",     "!",      "*",    "**",     "?",       "/",
                                       "/**/", "a/**/b", "**/a", "a/",     "!a/",     "/a*",
                                       "a?b",  "*/*",    "***",  "/**/**", "**/**/b", "!**a"};
  for (int i = 0; i < 300; ++i) patterns.push_back(RandomString(rng, "ab/*?.!-", 8));
  size_t compared = 0, matched = 0;
  for (const std::string& pattern : patterns) {
    FilterRule rule(FilterAction::kExclude, pattern);
    std::regex reference(ReferenceRegex(pattern), std::regex::ECMAScript);
    for (const std::string& name : names) {
      std::string subject = "/" + name;
      bool expected = std::regex_search(subject, reference);
      ASSERT_EQ(rule.Matches(subject), expected)
          << "pattern '" << pattern << "' regex " << ReferenceRegex(pattern) << " subject '"
          << subject << "'";
      // Without the leading '/', too: Matches is defined for any subject.
      ASSERT_EQ(rule.Matches(name), std::regex_search(name, reference)) << pattern << " " << name;
      ++compared;
      matched += expected;
    }
  }
  // The generated sets must exercise both outcomes, or the comparison proves little.
  EXPECT_GT(matched, compared / 50);
  EXPECT_LT(matched, compared - compared / 50);
}

}  // namespace
}  // namespace mtg::sync
