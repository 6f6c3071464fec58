#include "core/command_tokens.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace cue::core {
namespace {

CommandContext exampleContext() {
  CommandContext ctx;
  ctx.job = "testshow-sh01-jdoe_comp";
  ctx.job_id = "0a1b-job";
  ctx.layer = "render";
  ctx.layer_id = "0a1b-layer";
  ctx.frame_id = "0a1b-frame";
  ctx.show = "testshow";
  ctx.shot = "sh01";
  ctx.user = "jdoe";
  ctx.log_file = "/logs/testshow-sh01-jdoe_comp.0007-render.rqlog";
  ctx.resource_id = "0a1b-proc";
  ctx.frame_number = 7;
  ctx.chunk_frames = {7, 9, 11, 13};
  ctx.chunk_size = 4;
  return ctx;
}

std::string sub(std::string_view command, const CommandContext& ctx = exampleContext()) {
  return substituteCommandTokens(command, ctx);
}

TEST(CommandTokensTest, ReplacesEachOpenCueToken) {
  EXPECT_EQ(sub("#ZFRAME#"), "0007");
  EXPECT_EQ(sub("#IFRAME#"), "7");
  EXPECT_EQ(sub("#FRAME_START#"), "7");
  EXPECT_EQ(sub("#FRAME_END#"), "13");
  EXPECT_EQ(sub("#FRAME_CHUNK#"), "4");
  EXPECT_EQ(sub("#LAYER#"), "render");
  EXPECT_EQ(sub("#JOB#"), "testshow-sh01-jdoe_comp");
  EXPECT_EQ(sub("#FRAMESPEC#"), "7-13x2");
  EXPECT_EQ(sub("#FRAME#"), "0007-render");
}

TEST(CommandTokensTest, ReplacesTokensInsideACommand) {
  EXPECT_EQ(sub("maya -r -s #FRAME_START# -e #FRAME_END# -b 2 -rl #LAYER# /shots/#JOB#.ma"),
            "maya -r -s 7 -e 13 -b 2 -rl render /shots/testshow-sh01-jdoe_comp.ma");
  EXPECT_EQ(sub("echo #IFRAME# #IFRAME# out.#ZFRAME#.exr"), "echo 7 7 out.0007.exr");
  EXPECT_EQ(sub("nuke -F #FRAMESPEC# -x comp.nk"), "nuke -F 7-13x2 -x comp.nk");
  EXPECT_EQ(sub("no tokens at all"), "no tokens at all");
  EXPECT_EQ(sub(""), "");
}

TEST(CommandTokensTest, CueExtensionsAreOffByDefault) {
  const std::string command =
      "#SHOW# #SHOT# #USER# #JOB_ID# #LAYER_ID# #FRAME_ID# #RESOURCE_ID# #LOGFILE#";
  EXPECT_EQ(sub(command), command);
  CommandContext ctx = exampleContext();
  ctx.cue_tokens = true;
  EXPECT_EQ(sub(command, ctx),
            "testshow sh01 jdoe 0a1b-job 0a1b-layer 0a1b-frame 0a1b-proc "
            "/logs/testshow-sh01-jdoe_comp.0007-render.rqlog");
}

TEST(CommandTokensTest, LeavesUnknownTokensAlone) {
  EXPECT_EQ(sub("#FOO# #frame# #IFRAME #OFRAME# #FRAME_STEP# #IFRAME_END# ##"),
            "#FOO# #frame# #IFRAME #OFRAME# #FRAME_STEP# #IFRAME_END# ##");
  EXPECT_EQ(sub("%{FRAME} %{frame}"), "%{FRAME} %{frame}");
}

TEST(CommandTokensTest, SingleFrameChunks) {
  CommandContext ctx = exampleContext();
  ctx.chunk_frames.clear();
  ctx.chunk_size = 1;
  EXPECT_EQ(sub("#FRAMESPEC# #FRAME_START# #FRAME_END# #FRAME_CHUNK#", ctx), "7 7 7 1");
}

TEST(CommandTokensTest, ChunkEndIsTheLastFrameInChunkOrder) {
  CommandContext ctx = exampleContext();
  ctx.frame_number = 1;
  ctx.chunk_frames = {1, 6, 3, 5};  // a chunk of "1-10:5"
  EXPECT_EQ(sub("#FRAMESPEC# #FRAME_END#", ctx), "1,6,3,5 5");
  ctx.chunk_frames = {1, 2, 3, 4};
  ctx.chunk_size = 10;  // the layer's chunk, even when this chunk is shorter
  EXPECT_EQ(sub("#FRAMESPEC# #FRAME_END# #FRAME_CHUNK#", ctx), "1-4 4 10");
}

TEST(CommandTokensTest, NegativeFramesPadLikePrintf) {
  CommandContext ctx = exampleContext();
  ctx.frame_number = -5;
  ctx.chunk_frames.clear();
  EXPECT_EQ(sub("#ZFRAME# #IFRAME# #FRAME#", ctx), "-005 -5 -005-render");
  ctx.frame_number = 12345;
  EXPECT_EQ(sub("#ZFRAME# #FRAME#", ctx), "12345 12345-render");
}

TEST(CommandTokensTest, OverlappingTokensResolveInOpenCueOrder) {
  // cuebot replaces #ZFRAME# before #IFRAME#, and #LAYER# before #JOB#.
  EXPECT_EQ(sub("#IFRAME#ZFRAME#"), "#IFRAME0007");
  EXPECT_EQ(sub("#JOB#LAYER#"), "#JOBrender");
  EXPECT_EQ(sub("#FRAMESPEC#FRAME#"), "7-13x2FRAME#");
}

TEST(CommandTokensTest, CopiesValuesLiterally) {
  CommandContext ctx = exampleContext();
  ctx.layer = "a$1\\b";
  EXPECT_EQ(sub("<#LAYER#>", ctx), "<a$1\\b>");
}

TEST(CommandTokensTest, ListsEveryTokenOpenCueFirst) {
  const auto tokens = commandTokens();
  ASSERT_EQ(tokens.size(), 17u);
  std::set<std::string_view> opencue;
  for (size_t i = 0; i < tokens.size(); ++i) {
    EXPECT_EQ(tokens[i].opencue, i < 9) << tokens[i].token;
    EXPECT_FALSE(tokens[i].description.empty());
    if (tokens[i].opencue) opencue.insert(tokens[i].token);
  }
  EXPECT_EQ(opencue, std::set<std::string_view>({"#ZFRAME#", "#IFRAME#", "#FRAME_START#",
                                                 "#FRAME_END#", "#FRAME_CHUNK#", "#LAYER#", "#JOB#",
                                                 "#FRAMESPEC#", "#FRAME#"}));
  CommandContext ctx = exampleContext();
  ctx.cue_tokens = true;
  for (const CommandToken& token : tokens) {
    EXPECT_NE(sub(token.token, ctx), token.token) << token.token;
  }
}

TEST(CommandTokensTest, WindowsRqdReplacesOnlyPercentFrame) {
  EXPECT_EQ(substituteWindowsFrameToken("render.exe -f %{frame} -o out.%{frame}.exr #IFRAME#", 42),
            "render.exe -f 42 -o out.42.exr #IFRAME#");
  EXPECT_EQ(substituteWindowsFrameToken("%{FRAME}", 42), "%{FRAME}");
}

}  // namespace
}  // namespace cue::core
