#pragma once
// Prompt-token cost of media parts under Gemini 2.5's published billing rules.

#include <cstdint>

namespace media {

inline constexpr int k_tokens_per_image_tile = 258;
inline constexpr int k_small_image_side = 384;
inline constexpr int k_audio_tokens_per_second = 32;
inline constexpr int k_video_tokens_per_second = 300;

// An image of at most 384 px a side is one tile; a larger one is cut into square tiles whose
// side (the crop unit) is min(width, height) / 1.5, at least 256, each billed as 258 tokens
// (each tile is scaled to 768 x 768 by the provider).
int image_tokens(int width, int height);

int audio_tokens(double seconds);
int video_tokens(double seconds);

// Text is billed at roughly four characters a token.
int text_tokens(std::uint64_t characters);

}  // namespace media
