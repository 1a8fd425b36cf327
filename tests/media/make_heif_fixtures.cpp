// Writes the HEIF and AVIF fixtures of fixtures/media/ with libheif's encoder API, because
// heif-enc cannot write an orientation (irot) or choose a thumbnail's size independently.
// Deterministic: the pictures are drawn here, and x265 and aom encode them the same each run.
// Usage: make_heif_fixtures <fixtures/media folder>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <memory>
#include <string>

#include <libheif/heif.h>

namespace {

struct Rgba {
  std::uint8_t r, g, b, a;
};
using Painter = std::function<Rgba(int x, int y)>;

struct ContextFreer {
  void operator()(heif_context* context) const { heif_context_free(context); }
};
struct EncoderReleaser {
  void operator()(heif_encoder* encoder) const { heif_encoder_release(encoder); }
};
struct ImageReleaser {
  void operator()(heif_image* image) const { heif_image_release(image); }
};
struct HandleReleaser {
  void operator()(heif_image_handle* handle) const { heif_image_handle_release(handle); }
};
struct OptionsFreer {
  void operator()(heif_encoding_options* options) const { heif_encoding_options_free(options); }
};

bool check(const heif_error& error, const std::string& what) {
  if (error.code == heif_error_Ok) return true;
  std::fprintf(stderr, "make_heif_fixtures: %s: %s\n", what.c_str(), error.message);
  return false;
}

std::unique_ptr<heif_image, ImageReleaser> draw(int width, int height, bool alpha,
                                                const Painter& paint) {
  heif_image* raw = nullptr;
  heif_image_create(width, height, heif_colorspace_RGB,
                    alpha ? heif_chroma_interleaved_RGBA : heif_chroma_interleaved_RGB, &raw);
  std::unique_ptr<heif_image, ImageReleaser> image(raw);
  heif_image_add_plane(image.get(), heif_channel_interleaved, width, height, 8);
  int stride = 0;
  std::uint8_t* plane = heif_image_get_plane(image.get(), heif_channel_interleaved, &stride);
  const int channels = alpha ? 4 : 3;
  for (int y = 0; y < height; ++y) {
    for (int x = 0; x < width; ++x) {
      const Rgba colour = paint(x, y);
      std::uint8_t* pixel = plane + y * stride + x * channels;
      pixel[0] = colour.r;
      pixel[1] = colour.g;
      pixel[2] = colour.b;
      if (alpha) pixel[3] = colour.a;
    }
  }
  return image;
}

struct Fixture {
  std::string name;
  heif_compression_format compression;
  int width;
  int height;
  bool alpha;
  heif_orientation orientation;
  int thumbnail_side;  // 0: none
  Painter paint;
};

bool write(const std::string& folder, const Fixture& fixture) {
  std::unique_ptr<heif_context, ContextFreer> context(heif_context_alloc());
  heif_encoder* raw_encoder = nullptr;
  if (!check(heif_context_get_encoder_for_format(context.get(), fixture.compression, &raw_encoder),
             fixture.name + ": encoder")) {
    return false;
  }
  std::unique_ptr<heif_encoder, EncoderReleaser> encoder(raw_encoder);
  heif_encoder_set_lossy_quality(encoder.get(), 40);
  const auto image = draw(fixture.width, fixture.height, fixture.alpha, fixture.paint);
  std::unique_ptr<heif_encoding_options, OptionsFreer> options(heif_encoding_options_alloc());
  options->image_orientation = fixture.orientation;
  heif_image_handle* raw_handle = nullptr;
  if (!check(heif_context_encode_image(context.get(), image.get(), encoder.get(), options.get(),
                                       &raw_handle),
             fixture.name + ": encode")) {
    return false;
  }
  std::unique_ptr<heif_image_handle, HandleReleaser> handle(raw_handle);
  if (fixture.thumbnail_side > 0) {
    heif_image_handle* raw_thumbnail = nullptr;
    if (!check(
            heif_context_encode_thumbnail(context.get(), image.get(), handle.get(), encoder.get(),
                                          options.get(), fixture.thumbnail_side, &raw_thumbnail),
            fixture.name + ": thumbnail")) {
      return false;
    }
    heif_image_handle_release(raw_thumbnail);
  }
  const std::string path = folder + "/" + fixture.name;
  return check(heif_context_write_to_file(context.get(), path.c_str()), fixture.name + ": write");
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: make_heif_fixtures <folder>\n");
    return 2;
  }
  // Left half red, right half blue: after a 90-degree clockwise turn red is on top.
  const Painter halves = [](int x, int) {
    return x < 80 ? Rgba{220, 30, 30, 255} : Rgba{30, 30, 220, 255};
  };
  // A smooth gradient with a dark square, large enough for a 512 px thumbnail.
  const Painter scene = [](int x, int y) {
    const bool square = x > 600 && x < 1000 && y > 400 && y < 800;
    const auto r = static_cast<std::uint8_t>(square ? 20 : x * 255 / 1600);
    const auto b = static_cast<std::uint8_t>(square ? 20 : y * 255 / 1200);
    return Rgba{r, 120, b, 255};
  };
  // A green disc on a fully transparent background.
  const Painter disc = [](int x, int y) {
    const int dx = x - 32;
    const int dy = y - 32;
    const bool inside = dx * dx + dy * dy < 20 * 20;
    return Rgba{20, 180, 20, static_cast<std::uint8_t>(inside ? 255 : 0)};
  };
  const Fixture fixtures[] = {
      {"rotated.heic", heif_compression_HEVC, 160, 96, false, heif_orientation_rotate_90_cw, 0,
       halves},
      {"thumbnail.heic", heif_compression_HEVC, 1600, 1200, false, heif_orientation_normal, 512,
       scene},
      {"alpha.avif", heif_compression_AV1, 64, 64, true, heif_orientation_normal, 0, disc},
  };
  for (const Fixture& fixture : fixtures) {
    if (!write(argv[1], fixture)) return 1;
  }
  return 0;
}
