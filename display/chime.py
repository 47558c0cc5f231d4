"""Generate the board's chime (static/display/chime.wav): a soft two-tone gong, the project's own sound.

Run ``python -m display.chime`` to write it again; the file is small and committed.
"""
from __future__ import annotations

import math
import struct
import wave
from pathlib import Path

RATE = 16_000
TARGET = Path(__file__).resolve().parent.parent / "static" / "display" / "chime.wav"


def tone(freq: float, seconds: float, start: float, samples: list[float]) -> None:
    first = int(start * RATE)
    for i in range(int(seconds * RATE)):
        t = i / RATE
        envelope = min(1.0, t / 0.01) * math.exp(-3.2 * t)
        value = envelope * (0.6 * math.sin(2 * math.pi * freq * t) + 0.25 * math.sin(2 * math.pi * 2 * freq * t)
                            + 0.1 * math.sin(2 * math.pi * 3 * freq * t))
        if first + i < len(samples):
            samples[first + i] += value


def main(path: Path = TARGET) -> Path:
    samples = [0.0] * int(1.6 * RATE)
    tone(659.25, 1.2, 0.0, samples)   # E5
    tone(523.25, 1.2, 0.4, samples)   # C5
    peak = max(abs(s) for s in samples) or 1.0
    path.parent.mkdir(parents=True, exist_ok=True)
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(RATE)
        out.writeframes(b"".join(struct.pack("<h", int(0.8 * 32767 * s / peak)) for s in samples))
    return path


if __name__ == "__main__":
    print(main())
