import { useEffect, useRef } from 'react';

/** A <video> showing a MediaStream (React has no srcObject attribute). */
export function MediaVideo({
  stream,
  muted,
  label,
  testId,
  mirrored,
}: {
  stream: MediaStream | null;
  muted: boolean;
  label: string;
  testId: string;
  mirrored?: boolean;
}) {
  const video = useRef<HTMLVideoElement>(null);
  useEffect(() => {
    const element = video.current;
    if (!element || element.srcObject === stream) return;
    element.srcObject = stream;
    if (stream) element.play().catch(() => undefined);
  }, [stream]);
  return (
    <video
      ref={video}
      className={mirrored ? 'video mirrored' : 'video'}
      autoPlay
      playsInline
      muted={muted}
      aria-label={label}
      data-testid={testId}
    />
  );
}
