// Dispatch order edits of OpenCue's ReorderFrames and StaggerFrames, on one layer's
// frames. Pure functions; the caller reads the frames and stores the orders returned.
//
// OpenCue's behaviour, which these follow (pycue Job/Layer.reorderFrames, staggerFrames):
//   - FIRST: the selected frames are booked before every other frame of the layer, in the
//     order they had; LAST: after every other; REVERSE: the selected frames swap places
//     among themselves so that they are booked in reverse order.
//   - stagger N: the selected frames, in frame number order, are booked every N-th first:
//     1-10 staggered by 2 is booked 1,3,5,7,9,2,4,6,8,10. They keep the dispatch slots
//     they held; frames outside the selection keep theirs.
#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace cue::core {

enum class FrameOrder { kFirst = 0, kLast = 1, kReverse = 2 };

struct OrderedFrame {
  std::string id;
  int32_t number = 0;
};

// `frames`: a layer's frames in their current dispatch order. Returns (id, new order)
// for every frame of the layer, orders 0..n-1.
std::vector<std::pair<std::string, int32_t>> reorderFrames(const std::vector<OrderedFrame>& frames,
                                                           const std::set<int32_t>& numbers,
                                                           FrameOrder order);
// stagger < 1 is treated as 1 (no change in order).
std::vector<std::pair<std::string, int32_t>> staggerFrames(const std::vector<OrderedFrame>& frames,
                                                           const std::set<int32_t>& numbers,
                                                           int32_t stagger);

}  // namespace cue::core
