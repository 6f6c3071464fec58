#include "cli/args.h"

#include <gtest/gtest.h>

namespace cue::cli {
namespace {

ArgParser parser() {
  ArgParser p("tool", "a tool");
  p.add({{"-lj", "-laj"}, 0, Flag::kMany, "[SUBSTR ...]", "list jobs", "Query"});
  p.add({{"-size"}, 3, 3, "SHOW ALLOC SIZE", "set size", "Subs"});
  p.add({{"-force"}, 0, 0, "", "no questions", "General"});
  p.add({{"-thread"}, 1, 1, "MODE", "thread mode", "Host", {"auto", "all"}});
  p.add({{"-range"}, 1, 1, "RANGE", "range", "Frames"});
  return p;
}

absl::StatusOr<Args> parse(std::vector<const char*> argv) {
  argv.insert(argv.begin(), "tool");
  return parser().parse(static_cast<int>(argv.size()), argv.data());
}

TEST(ArgParser, SingleDashFlagsTakeTheirValues) {
  auto a = parse({"-lj", "foo", "bar", "-force"});
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_EQ(a->values("-lj"), (std::vector<std::string>{"foo", "bar"}));
  EXPECT_TRUE(a->has("-force"));
  EXPECT_FALSE(a->has("-size"));
}

TEST(ArgParser, AliasesAndDoubleDashMapToTheFirstName) {
  auto a = parse({"-laj", "--force", "--thread=all"});
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_TRUE(a->has("-lj"));
  EXPECT_TRUE(a->values("-lj").empty());
  EXPECT_TRUE(a->has("-force"));
  EXPECT_EQ(a->value("-thread"), "all");
}

TEST(ArgParser, FixedArityStopsAndLeavesPositionals) {
  auto a = parse({"-size", "show", "alloc", "10", "extra"});
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_EQ(a->values("-size"), (std::vector<std::string>{"show", "alloc", "10"}));
  EXPECT_EQ(a->positionals(), std::vector<std::string>{"extra"});
}

TEST(ArgParser, NegativeNumbersAreValues) {
  auto a = parse({"-size", "show", "alloc", "-5"});
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_EQ(a->values("-size")[2], "-5");
}

TEST(ArgParser, ErrorsNameTheFlag) {
  auto a = parse({"-nope"});
  ASSERT_FALSE(a.ok());
  EXPECT_EQ(a.status().message(), "unknown flag -nope; see tool --help");
  a = parse({"-size", "show", "alloc"});
  ASSERT_FALSE(a.ok());
  EXPECT_EQ(a.status().message(), "-size needs SHOW ALLOC SIZE; see tool --help");
  a = parse({"-thread", "some"});
  ASSERT_FALSE(a.ok());
  EXPECT_EQ(a.status().message(), "-thread some: expected one of auto, all");
}

TEST(ArgParser, HelpAndCompletionListEveryFlag) {
  auto p = parser();
  std::string help = p.help();
  std::string completion = p.bashCompletion();
  for (const char* name : {"-lj", "-laj", "-size", "-force", "-thread", "-range"}) {
    EXPECT_NE(help.find(name), std::string::npos) << name;
    EXPECT_NE(completion.find(name), std::string::npos) << name;
  }
  EXPECT_NE(help.find("SHOW ALLOC SIZE"), std::string::npos);
  EXPECT_NE(completion.find("complete -F _tool_complete tool"), std::string::npos);
  EXPECT_NE(completion.find("compgen -W \"auto all\""), std::string::npos);
}

}  // namespace
}  // namespace cue::cli
