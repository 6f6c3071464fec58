#include "cuebot/service/service_factory.h"

#include "cuebot/service/rpc.h"
#include "comment.grpc.pb.h"

namespace cue::cuebot {
namespace {

class CommentService final : public comment::CommentInterface::Service {
 public:
  explicit CommentService(Farm& farm) : farm_(farm), store_(farm.store()) {}

 private:
  [[maybe_unused]] Farm& farm_;
  [[maybe_unused]] store::Store& store_;
};

}  // namespace

std::unique_ptr<grpc::Service> makeCommentService(Farm& farm) {
  return std::make_unique<CommentService>(farm);
}

}  // namespace cue::cuebot
