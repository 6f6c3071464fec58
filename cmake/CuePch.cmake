# Precompiled headers, for the targets where they pay. Most of a cold build goes to parsing
# the same headers in every file: a 210-line gRPC service file preprocesses to 400,000 lines,
# half of them generated protobuf headers. A precompiled header is big (150-700 MB) and every
# file loads it, so it pays only in a target of many files that all parse the same heavy
# headers: the generated code (cue_proto) and the store.
# Measured on the 2-core VM, where two compilers each loading one slow the other down: a
# cuebot service file takes 16 s -> 6.5 s alone on a 700 MB header of gRPC, job.grpc.pb.h
# and farm.h, but its other files got slower (11 s -> 14 s) and the target as a whole did not
# gain in a -j2 build, so cue_cuebot has none; nor has the GUI (a Qt widget file 5.5 s ->
# 4.2 s does not repay the 17 s its precompiled header takes).
# CUE_PCH=OFF builds without them: each source still includes what it uses.
option(CUE_PCH "Precompile the common headers of the larger targets" ON)

# The standard library and Abseil headers most files use.
set(CUE_PCH_BASE
  <algorithm> <atomic> <chrono> <condition_variable> <cstdint> <cstdlib> <cstring> <functional>
  <map> <memory> <mutex> <optional> <set> <string> <string_view> <thread> <unordered_map>
  <utility> <vector>
  <absl/status/status.h> <absl/status/statusor.h> <absl/strings/str_cat.h>
  <absl/strings/str_join.h> <absl/strings/str_split.h> <absl/strings/match.h>
  <absl/strings/numbers.h> <absl/strings/ascii.h>)

# gRPC and the protobuf runtime (not the generated headers: all of them make a 1 GB file).
set(CUE_PCH_GRPC ${CUE_PCH_BASE} <grpcpp/grpcpp.h>
  <google/protobuf/generated_message_reflection.h> <google/protobuf/extension_set.h>
  <google/protobuf/wire_format_lite.h>)

# cue_precompile(TARGET HEADERS...): TARGET's files start with HEADERS already parsed.
function(cue_precompile target)
  if(CUE_PCH)
    target_precompile_headers(${target} PRIVATE ${ARGN})
  endif()
endfunction()
