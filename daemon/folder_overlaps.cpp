#include "daemon/folder_overlaps.h"

#include "daemon/real_location.h"

namespace daemon_core {
namespace {

// A folder of the configuration, where it really is, and the key that set it.
struct Place {
  std::string key;        // as shown: "daemon.inbox", "watch.path", "routes.route", ...
  std::string toml_path;  // where the key is in the file, for its line
  std::string path;
  RealLocation location;
};

Place place(std::string key, std::string toml_path, const std::string& path) {
  return Place{std::move(key), std::move(toml_path), path, RealLocation::of(path)};
}

struct Places {
  std::vector<Place> watched;
  std::vector<Place> work_areas;
  std::vector<Place> destinations;  // the fixed root of each route template
  std::vector<Place> queues;        // dir: queues
};

Places places_of(const Config& config) {
  Places places;
  const auto folders = config.folders();
  const bool from_watch = !config.watch.empty();
  for (std::size_t i = 0; i < folders.size(); ++i) {
    const std::string key = from_watch ? "watch.path" : "daemon.inbox";
    const std::string toml_path = from_watch ? "watch[" + std::to_string(i) + "].path" : key;
    places.watched.push_back(place(key, toml_path, folders[i].path));
    places.work_areas.push_back(
        config.work_dir.empty()
            ? place(key, toml_path, folders[i].work_area)
            : place("daemon.work_dir", "daemon.work_dir", folders[i].work_area));
  }
  const char* const route_keys[] = {"routes.route", "routes.escalate", "routes.review",
                                    "routes.failed"};
  const auto roots = config.destination_roots();
  for (std::size_t i = 0; i < roots.size(); ++i)
    places.destinations.push_back(place(route_keys[i], route_keys[i], roots[i]));
  const std::pair<const char*, const std::string*> queues[] = {
      {"routes.route_queue", &config.routes.route_queue},
      {"routes.escalate_queue", &config.routes.escalate_queue},
      {"routes.review_queue", &config.routes.review_queue},
      {"routes.failed_queue", &config.routes.failed_queue}};
  for (const auto& [key, value] : queues) {
    if (value->rfind("dir:", 0) == 0) places.queues.push_back(place(key, key, value->substr(4)));
  }
  return places;
}

// The first overlap found, as {the place to blame, what is wrong}.
std::optional<std::pair<const Place*, std::string>> first_overlap(const Places& places) {
  for (const auto& folder : places.watched) {
    for (const auto& other : places.watched) {
      if (&folder != &other && folder.location.is_within(other.location))
        return {{&folder,
                 folder.path + " lies inside " + other.path + "; watched folders must not nest"}};
    }
    for (const auto& work : places.work_areas) {
      if (folder.location.is_within(work.location))
        return {{&work, "the work area " + work.path + " holds the watched folder " + folder.path +
                            "; claimed files would be taken again"}};
    }
  }
  for (const auto& destination : places.destinations) {
    for (const auto& folder : places.watched) {
      if (destination.location.is_within(folder.location))
        return {{&destination, destination.path + " and the watched folder " + folder.path +
                                   " overlap (the destination is inside it); files would be "
                                   "taken again"}};
      if (folder.location.is_within(destination.location))
        return {{&folder, "the watched folder " + folder.path + " lies inside " + destination.path +
                              ", the destination of " + destination.key +
                              "; files placed there would be taken again"}};
    }
    for (const auto& work : places.work_areas) {
      if (destination.location.is_within(work.location) ||
          work.location.is_within(destination.location))
        return {{&work, "the work area " + work.path + " and " + destination.path +
                            ", the destination of " + destination.key + ", overlap"}};
    }
  }
  for (const auto& queue : places.queues) {
    for (const auto& folder : places.watched) {
      if (queue.location.is_within(folder.location))
        return {{&queue, "a dir: queue needs a folder outside the watched folder " + folder.path}};
    }
  }
  return std::nullopt;
}

}  // namespace

Result<void> check_folder_overlaps(const Config& config, const KeyLocator& locate) {
  const Places places = places_of(config);
  for (const auto& destination : places.destinations) {
    if (destination.path.empty() || destination.path == "/") {
      return fail(ErrorCode::config,
                  locate(destination.toml_path) + ": " + destination.key + ": must name a folder");
    }
  }
  const auto overlap = first_overlap(places);
  if (!overlap) return {};
  const Place& blamed = *overlap->first;
  return fail(ErrorCode::config,
              locate(blamed.toml_path) + ": " + blamed.key + ": " + overlap->second);
}

}  // namespace daemon_core
