#include "cuebot/service/service_factory.h"

#include "cuebot/service/rpc.h"
#include "comment.grpc.pb.h"

namespace cue::cuebot {
namespace {

class CommentService final : public comment::CommentInterface::Service {
 public:
  explicit CommentService(Farm& farm) : farm_(farm), store_(farm.store()) {}

  RPC(comment, Comment, Delete) { return toGrpc(store_.deleteComment(req->comment().id())); }
  // Saves the subject and message (author and time stay as written).
  RPC(comment, Comment, Save) {
    GRPC_ASSIGN(auto c, store_.getComment(req->comment().id()));
    c.subject = req->comment().subject();
    c.message = req->comment().message();
    return toGrpc(store_.updateComment(c));
  }

 private:
  [[maybe_unused]] Farm& farm_;
  store::Store& store_;
};

}  // namespace

std::unique_ptr<grpc::Service> makeCommentService(Farm& farm) {
  return std::make_unique<CommentService>(farm);
}

}  // namespace cue::cuebot
