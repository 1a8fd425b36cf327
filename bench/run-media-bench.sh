#!/bin/bash
# Generates the media benchmark workload of issue 3 with Debian tools into bench/work/
# (gitignored), then runs media_bench, which times siftd's in-process normalization against
# vipsthumbnail, ImageMagick, djpeg+cjpeg, ffmpeg, sox, pdftotext and pdftoppm on the same files.
#
# Usage: bench/run-media-bench.sh [build-dir]     (default: build)
# Sizes: the issue's workload (40 photos 4000x3000, 10 screenshots 1920x1080, 5 videos
# 1920x1080 30 fps 60 s, 10 audio files of 60 s, 10 PDFs of 20 pages). SIFTD_BENCH_SMALL=1
# shrinks it (10 photos, 2 videos of 20 s) for a quick look. Generation is skipped for files
# that already exist, so a second run only times.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
build="${1:-$here/../build}"
work="$here/work"
mkdir -p "$work"/{photos,screenshots,videos,audio,pdfs,out}
ff="ffmpeg -v error -y -nostdin"
small="${SIFTD_BENCH_SMALL:-0}"
photos=40; video_s=60; videos=5
if [ "$small" = 1 ]; then photos=10; video_s=20; videos=2; fi

# Photos: 4000x3000 JPEG, a moving test pattern with film-grain noise so they compress like
# photographs (3-5 MB each), quality 90.
if [ ! -e "$work/photos/photo_$(printf %02d "$photos").jpg" ]; then
  $ff -f lavfi -i "testsrc2=size=4000x3000:rate=1,noise=alls=18:allf=t" -frames:v "$photos" \
    -q:v 3 -start_number 1 "$work/photos/photo_%02d.jpg"
fi

# Screenshots: 1920x1080 PNG, a white page with 40 lines of text in DejaVu Sans.
for i in $(seq -w 1 10); do
  f="$work/screenshots/screen_$i.png"
  [ -e "$f" ] && continue
  text=""
  for line in $(seq 1 40); do
    text+="Line $line of screenshot $i: build 4.$i failed at stage test, see log for details\n"
  done
  convert -size 1920x1080 xc:white -font DejaVu-Sans -pointsize 20 -fill black \
    -annotate +40+40 "$(printf "$text")" -fill '#3366cc' -draw "rectangle 1500,60 1880,300" \
    -strip "$f"
done

# Videos: 1920x1080 30 fps H.264 with AAC audio; keyframes every 1 s (-g 30) or every 8 s (-g 240).
for i in $(seq 1 "$videos"); do
  if [ $((i % 2)) = 1 ]; then g=30; else g=240; fi
  f="$work/videos/video_${i}_g${g}.mp4"
  [ -e "$f" ] && continue
  $ff -f lavfi -i "testsrc2=size=1920x1080:rate=30:duration=$video_s" \
    -f lavfi -i "sine=frequency=$((300 + 100 * i)):sample_rate=44100:duration=$video_s" \
    -c:v libx264 -preset ultrafast -tune zerolatency -g "$g" -keyint_min "$g" -sc_threshold 0 \
    -pix_fmt yuv420p -c:a aac -b:a 96k -shortest "$f"
done

# Audio: 60 s, 44.1 kHz stereo: 2 s of silence, 56 s of speech-like noise bursts, 2 s of silence.
for i in $(seq 1 10); do
  if [ $((i % 2)) = 1 ]; then ext=wav; else ext=mp3; fi
  f="$work/audio/audio_$i.$ext"
  [ -e "$f" ] && continue
  sox -n -r 44100 -c 2 "$work/audio/tmp.wav" synth 56 pinknoise tremolo 3 90 vol 0.4 pad 2 2
  if [ "$ext" = wav ]; then mv "$work/audio/tmp.wav" "$f"; else
    $ff -i "$work/audio/tmp.wav" -c:a libmp3lame -b:a 128k "$f"; rm "$work/audio/tmp.wav"; fi
done

# PDFs: 20 pages of text each, written as PostScript and converted by ghostscript.
for i in $(seq -w 1 10); do
  f="$work/pdfs/doc_$i.pdf"
  [ -e "$f" ] && continue
  {
    echo "/Helvetica findfont 10 scalefont setfont"
    echo "1 1 20 { /page exch def 72 740 moveto (Document $i page ) show page 3 string cvs show"
    echo "  0 1 55 { /line exch def 72 725 line 12 mul sub moveto"
    echo "  (Quarterly report line: revenue, costs and the outlook for the next period.) show } for"
    echo "  showpage } for"
  } > "$work/pdfs/tmp.ps"
  gs -q -dNOPAUSE -dBATCH -dSAFER -sDEVICE=pdfwrite -sOutputFile="$f" "$work/pdfs/tmp.ps"
  rm "$work/pdfs/tmp.ps"
done

echo "workload: $(du -sh "$work" | cut -f1) in $work" >&2
make -C "$build" media_bench >/dev/null
"$build/bench/media_bench" "$work" | tee "$work/results.txt"
