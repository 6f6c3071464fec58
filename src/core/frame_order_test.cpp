#include "core/frame_order.h"

#include <gtest/gtest.h>

#include <map>

namespace cue::core {
namespace {

std::vector<OrderedFrame> layer(int first, int last) {
  std::vector<OrderedFrame> out;
  for (int n = first; n <= last; ++n) out.push_back({"f" + std::to_string(n), n});
  return out;
}

// Frame numbers in their new dispatch order.
std::vector<int32_t> booked(const std::vector<std::pair<std::string, int32_t>>& orders) {
  std::map<int32_t, int32_t> by_order;
  for (const auto& [id, order] : orders) by_order[order] = std::stoi(id.substr(1));
  std::vector<int32_t> out;
  for (const auto& [order, n] : by_order) out.push_back(n);
  return out;
}

TEST(FrameOrderTest, FirstMovesTheRangeToTheFrontKeepingItsOrder) {
  EXPECT_EQ(booked(reorderFrames(layer(1, 6), {4, 5}, FrameOrder::kFirst)),
            (std::vector<int32_t>{4, 5, 1, 2, 3, 6}));
}

TEST(FrameOrderTest, LastMovesTheRangeToTheBack) {
  EXPECT_EQ(booked(reorderFrames(layer(1, 5), {1, 2}, FrameOrder::kLast)),
            (std::vector<int32_t>{3, 4, 5, 1, 2}));
}

TEST(FrameOrderTest, ReverseSwapsTheRangeInPlace) {
  EXPECT_EQ(booked(reorderFrames(layer(1, 6), {2, 3, 4}, FrameOrder::kReverse)),
            (std::vector<int32_t>{1, 4, 3, 2, 5, 6}));
}

TEST(FrameOrderTest, NumbersOutsideTheLayerChangeNothing) {
  EXPECT_EQ(booked(reorderFrames(layer(1, 3), {7, 8}, FrameOrder::kFirst)),
            (std::vector<int32_t>{1, 2, 3}));
}

TEST(FrameOrderTest, StaggerBooksEveryNthFirst) {
  EXPECT_EQ(booked(staggerFrames(layer(1, 10), {1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, 2)),
            (std::vector<int32_t>{1, 3, 5, 7, 9, 2, 4, 6, 8, 10}));
}

TEST(FrameOrderTest, StaggerKeepsOtherFramesInTheirSlots) {
  EXPECT_EQ(booked(staggerFrames(layer(1, 6), {2, 3, 4, 5}, 2)),
            (std::vector<int32_t>{1, 2, 4, 3, 5, 6}));
}

TEST(FrameOrderTest, StaggerBelowOneChangesNothing) {
  EXPECT_EQ(booked(staggerFrames(layer(1, 4), {1, 2, 3, 4}, 0)),
            (std::vector<int32_t>{1, 2, 3, 4}));
}

}  // namespace
}  // namespace cue::core
