#include "core/frame_order.h"

#include <algorithm>

namespace cue::core {
namespace {

std::vector<std::pair<std::string, int32_t>> numbered(const std::vector<OrderedFrame>& frames) {
  std::vector<std::pair<std::string, int32_t>> out;
  out.reserve(frames.size());
  for (const auto& f : frames) out.emplace_back(f.id, static_cast<int32_t>(out.size()));
  return out;
}

// Puts `chosen` (a new sequence of the selected frames) into the slots the selected frames
// occupy in `frames`; the others keep their slots.
std::vector<OrderedFrame> inSlots(const std::vector<OrderedFrame>& frames,
                                  const std::set<int32_t>& numbers,
                                  const std::vector<OrderedFrame>& chosen) {
  std::vector<OrderedFrame> out = frames;
  size_t next = 0;
  for (auto& f : out)
    if (numbers.contains(f.number)) f = chosen[next++];
  return out;
}

}  // namespace

std::vector<std::pair<std::string, int32_t>> reorderFrames(const std::vector<OrderedFrame>& frames,
                                                           const std::set<int32_t>& numbers,
                                                           FrameOrder order) {
  std::vector<OrderedFrame> selected, others;
  for (const auto& f : frames) (numbers.contains(f.number) ? selected : others).push_back(f);
  std::vector<OrderedFrame> result;
  switch (order) {
    case FrameOrder::kFirst:
      result = selected;
      result.insert(result.end(), others.begin(), others.end());
      break;
    case FrameOrder::kLast:
      result = others;
      result.insert(result.end(), selected.begin(), selected.end());
      break;
    case FrameOrder::kReverse:
      std::reverse(selected.begin(), selected.end());
      result = inSlots(frames, numbers, selected);
      break;
  }
  return numbered(result);
}

std::vector<std::pair<std::string, int32_t>> staggerFrames(const std::vector<OrderedFrame>& frames,
                                                           const std::set<int32_t>& numbers,
                                                           int32_t stagger) {
  std::vector<OrderedFrame> selected;
  for (const auto& f : frames)
    if (numbers.contains(f.number)) selected.push_back(f);
  std::sort(selected.begin(), selected.end(),
            [](const OrderedFrame& a, const OrderedFrame& b) { return a.number < b.number; });
  const size_t step = static_cast<size_t>(std::max(stagger, 1));
  std::vector<OrderedFrame> chosen;
  for (size_t start = 0; start < step; ++start)
    for (size_t k = start; k < selected.size(); k += step) chosen.push_back(selected[k]);
  return numbered(inSlots(frames, numbers, chosen));
}

}  // namespace cue::core
