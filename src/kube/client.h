// The Kubernetes client as narrow, role-sized interfaces (DESIGN habit 2): code that only
// reads takes a Reader, the live cache takes a Watcher, the sync executor takes an Applier.
// Tests hand in small fakes; production uses the implementations a ClusterClient
// (cluster_client.h) owns, which talk to one cell's API server.
//
// Objects in and out are cellgate::Object. Types are named by GroupVersionKind and mapped to
// REST resources through discovery, so CRDs work like built-in kinds. A namespaced object
// that names no namespace goes to the cluster config's default namespace; a namespace on a
// cluster-scoped kind is ignored.
//
// Errors (api_error.h) carry the Kubernetes Status message and HTTP code, prefixed with the
// operation and object:
//   apply apps/Deployment default/api: 422 Unprocessable Entity: Deployment.apps "api" is
//   invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0
// 404 is kNotFound, 409 kConflict (kAlreadyExists for a create of an existing object),
// 401/403 kPermissionDenied, 400/422 kInvalidArgument, 429/5xx/connection kUnavailable,
// timeouts kDeadlineExceeded. A kind the cell does not serve is kNotFound.
//
// Thread-safety: implementations are thread-safe. Watch callbacks run on the watch's own
// thread, one event at a time.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/object.h"
#include "core/result.h"
#include "kube/resource.h"

namespace cellgate::kube {

struct ListOptions {
  std::string label_selector;  // "app=web,tier!=db"
  std::string field_selector;  // "metadata.name=x"
  std::int64_t limit = 500;    // page size; 0 asks for everything in one response
  bool all_pages = true;       // follow continue tokens (falling back to one unpaged list
                               // if a token expires); false returns one page
  std::string continue_token;  // resume a single-page listing
};

struct ObjectList {
  std::vector<Object> items;     // apiVersion and kind filled in, as kubectl does
  std::string resource_version;  // of the collection: watch from here
  std::string continue_token;    // more pages remain (only when all_pages is false)
};

class Reader {
 public:
  virtual ~Reader() = default;
  virtual Result<Object> Get(const GroupVersionKind& gvk, std::string_view ns,
                             std::string_view name) = 0;
  // `ns` "" lists across all namespaces (for namespaced kinds).
  virtual Result<ObjectList> List(const GroupVersionKind& gvk, std::string_view ns,
                                  const ListOptions& options) = 0;
};

enum class WatchEventType {
  kAdded,
  kModified,
  kDeleted,
  kBookmark,  // object carries only metadata.resourceVersion
  kError,     // object is a metav1.Status (from the server, or made for a client failure)
  kReplace,   // objects holds every object that exists now: replace what you had
};

struct WatchEvent {
  WatchEventType type = WatchEventType::kAdded;
  Object object;
  std::vector<Object> objects;   // kReplace only
  std::string resource_version;  // position after this event ("" for kError)
};

struct WatchOptions {
  std::string label_selector;
  std::string field_selector;
  // "" lists first (delivering kReplace) and watches from the list's version. A version
  // that has expired (410 Gone) also leads to a re-list and kReplace, then watching resumes.
  std::string resource_version;
  std::chrono::seconds server_timeout{300};        // per watch request, jittered up to +50%
  std::chrono::milliseconds initial_backoff{200};  // after a failure, doubling...
  std::chrono::milliseconds max_backoff{std::chrono::seconds(30)};  // ...up to this
};

using WatchCallback = std::function<void(const WatchEvent&)>;

// A running watch. Destroying it stops the watch and waits for its thread, which returns
// promptly even while blocked on the network. Do not destroy it from inside its own callback
// (Stop() is fine there).
class WatchHandle {
 public:
  virtual ~WatchHandle() = default;
  virtual void Stop() = 0;
};

class Watcher {
 public:
  virtual ~Watcher() = default;
  // Watches `gvk` in `ns` ("" = all namespaces) on a new thread until stopped, reconnecting
  // with backoff after connection loss. Fails at once only if the kind cannot be watched.
  // Errors after that arrive as kError events.
  virtual Result<std::unique_ptr<WatchHandle>> Watch(const GroupVersionKind& gvk,
                                                     std::string_view ns,
                                                     const WatchOptions& options,
                                                     WatchCallback on_event) = 0;
};

struct ApplyOptions {
  std::string field_manager = "cellgate";
  bool force = true;     // take ownership of conflicting fields, as Argo CD's sync does
  bool dry_run = false;  // server-side dry run: returns the object as it would be stored
};

struct WriteOptions {
  std::string field_manager = "cellgate";
  bool dry_run = false;
};

enum class PropagationPolicy { kBackground, kForeground, kOrphan };

struct DeleteOptions {
  PropagationPolicy propagation = PropagationPolicy::kBackground;
  bool dry_run = false;
  std::optional<std::int64_t> grace_period_seconds;
  std::string precondition_uid;  // delete only this incarnation of the object
};

class Applier {
 public:
  virtual ~Applier() = default;
  // Server-side apply (PATCH application/apply-patch+yaml, the body sent as JSON) with
  // fieldManager and force. metadata.managedFields is dropped from the body; a
  // metadata.resourceVersion in it makes the apply conditional. Returns the live object.
  virtual Result<Object> Apply(const Object& object, const ApplyOptions& options) = 0;
  // POST. kAlreadyExists when it exists.
  virtual Result<Object> Create(const Object& object, const WriteOptions& options) = 0;
  // PUT (Argo CD's Replace=true). With metadata.resourceVersion it is conditional (kConflict).
  virtual Result<Object> Update(const Object& object, const WriteOptions& options) = 0;
  // DELETE of the object named by `object` (apiVersion, kind, namespace, name suffice).
  // kNotFound when already gone.
  virtual Status Delete(const Object& object, const DeleteOptions& options) = 0;
};

}  // namespace cellgate::kube
