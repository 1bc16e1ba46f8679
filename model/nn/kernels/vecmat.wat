;; The GRU predictor's SIMD kernels (wasm SIMD128, 4 f32 lanes per instruction).
;; Pointers are byte offsets into the exported memory; strides, widths and sizes count f32s.
;;
;; gruDirection: one direction of a GRU over a whole sequence in one call (the fused step:
;;   both recurrent products, the gates, the state update and the max-pool), so the
;;   JavaScript side crosses into wasm once per direction instead of twice per token and
;;   the sigmoids and tanhs run four lanes at a time. The input projection of each step is
;;   read where it already lies (a pointer per step), not copied into place first. See
;;   bigru-predictor.ts for the layout.
;; matvec: out = init + v · m, exported too: the predictor computes a new token's input
;;   projections of both directions with it, in one call.
(module
  (memory (export "memory") 1)

  ;; dst[i] = e^(factor · src[i]) for `bytes` (a multiple of 16) of floats, four lanes per
  ;; pass: Cephes' expf (range reduction by ln 2 in two parts, a degree-5 polynomial, then
  ;; the power of two built in the exponent bits); ~1 ulp in [-87, 88]. The step loop
  ;; calls it twice per step, once for all gate pre-activations (factor −1: σ(x) =
  ;; 1 / (1 + e^{−x})) and once for the candidate (factor 2: tanh x = 1 − 2 / (e^{2x} + 1),
  ;; which saturates cleanly at ±1; absolute error ~1e-7 near 0), instead of once per
  ;; four lanes: the calls were a tenth of the kernel's time. factor · x is exact for −1 and 2.
  (func $expRows (param $dst i32) (param $src i32) (param $bytes i32) (param $factor v128)
    (local $i i32) (local $x v128) (local $fx v128) (local $r v128) (local $y v128)
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (local.get $i) (local.get $bytes)))
        (local.set $x (f32x4.mul (v128.load (i32.add (local.get $src) (local.get $i))) (local.get $factor)))
        (local.set $x (f32x4.pmin (f32x4.pmax (local.get $x) (v128.const f32x4 -87.33654 -87.33654 -87.33654 -87.33654))
                                 (v128.const f32x4 88.37626 88.37626 88.37626 88.37626)))
        (local.set $fx (f32x4.nearest (f32x4.mul (local.get $x) (v128.const f32x4 1.44269504088896341 1.44269504088896341 1.44269504088896341 1.44269504088896341))))
        (local.set $r (f32x4.sub (local.get $x) (f32x4.mul (local.get $fx) (v128.const f32x4 0.693359375 0.693359375 0.693359375 0.693359375))))
        (local.set $r (f32x4.add (local.get $r) (f32x4.mul (local.get $fx) (v128.const f32x4 2.12194440e-4 2.12194440e-4 2.12194440e-4 2.12194440e-4))))
        (local.set $y (v128.const f32x4 1.9875691500e-4 1.9875691500e-4 1.9875691500e-4 1.9875691500e-4))
        (local.set $y (f32x4.add (f32x4.mul (local.get $y) (local.get $r)) (v128.const f32x4 1.3981999507e-3 1.3981999507e-3 1.3981999507e-3 1.3981999507e-3)))
        (local.set $y (f32x4.add (f32x4.mul (local.get $y) (local.get $r)) (v128.const f32x4 8.3334519073e-3 8.3334519073e-3 8.3334519073e-3 8.3334519073e-3)))
        (local.set $y (f32x4.add (f32x4.mul (local.get $y) (local.get $r)) (v128.const f32x4 4.1665795894e-2 4.1665795894e-2 4.1665795894e-2 4.1665795894e-2)))
        (local.set $y (f32x4.add (f32x4.mul (local.get $y) (local.get $r)) (v128.const f32x4 1.6666665459e-1 1.6666665459e-1 1.6666665459e-1 1.6666665459e-1)))
        (local.set $y (f32x4.add (f32x4.mul (local.get $y) (local.get $r)) (v128.const f32x4 5.0000001201e-1 5.0000001201e-1 5.0000001201e-1 5.0000001201e-1)))
        (local.set $y (f32x4.add (f32x4.add (f32x4.mul (local.get $y) (f32x4.mul (local.get $r) (local.get $r))) (local.get $r))
                                 (v128.const f32x4 1 1 1 1)))
        (v128.store (i32.add (local.get $dst) (local.get $i))
          (f32x4.mul (local.get $y)
            (i32x4.shl (i32x4.sub (f32x4.add (local.get $fx) (v128.const f32x4 12582912 12582912 12582912 12582912))
                                  (v128.const i32x4 0x4b3fff81 0x4b3fff81 0x4b3fff81 0x4b3fff81))
                       (i32.const 23))))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (br $l))))

  ;; out[c] = init[c] + Σ_k v[k] · m[k·stride + c] for c < width (a multiple of 4): sixteen
  ;; columns per pass held in four registers across all rows (init is read and out written
  ;; once), then four at a time for the rest. rows = 0 copies init to out.
  (func $matvec (export "matvec") (param $out i32) (param $init i32) (param $v i32) (param $m i32) (param $rows i32) (param $stride i32) (param $width i32)
    (local $c i32) (local $p i32) (local $vp i32) (local $vend i32) (local $rowBytes i32) (local $wb i32)
    (local $vk v128) (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128)
    (local.set $rowBytes (i32.shl (local.get $stride) (i32.const 2)))
    (local.set $wb (i32.shl (local.get $width) (i32.const 2)))
    (local.set $vend (i32.add (local.get $v) (i32.shl (local.get $rows) (i32.const 2))))
    (local.set $c (i32.const 0))
    (block $b16done
      (loop $b16
        (br_if $b16done (i32.gt_u (i32.add (local.get $c) (i32.const 64)) (local.get $wb)))
        (local.set $a0 (v128.load (i32.add (local.get $init) (local.get $c))))
        (local.set $a1 (v128.load offset=16 (i32.add (local.get $init) (local.get $c))))
        (local.set $a2 (v128.load offset=32 (i32.add (local.get $init) (local.get $c))))
        (local.set $a3 (v128.load offset=48 (i32.add (local.get $init) (local.get $c))))
        (local.set $p (i32.add (local.get $m) (local.get $c)))
        (local.set $vp (local.get $v))
        (block $kdone
          (loop $k
            (br_if $kdone (i32.ge_u (local.get $vp) (local.get $vend)))
            (local.set $vk (v128.load32_splat (local.get $vp)))
            (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (local.get $vk) (v128.load (local.get $p)))))
            (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (local.get $vk) (v128.load offset=16 (local.get $p)))))
            (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (local.get $vk) (v128.load offset=32 (local.get $p)))))
            (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (local.get $vk) (v128.load offset=48 (local.get $p)))))
            (local.set $p (i32.add (local.get $p) (local.get $rowBytes)))
            (local.set $vp (i32.add (local.get $vp) (i32.const 4)))
            (br $k)))
        (v128.store (i32.add (local.get $out) (local.get $c)) (local.get $a0))
        (v128.store offset=16 (i32.add (local.get $out) (local.get $c)) (local.get $a1))
        (v128.store offset=32 (i32.add (local.get $out) (local.get $c)) (local.get $a2))
        (v128.store offset=48 (i32.add (local.get $out) (local.get $c)) (local.get $a3))
        (local.set $c (i32.add (local.get $c) (i32.const 64)))
        (br $b16)))
    (block $b4done
      (loop $b4
        (br_if $b4done (i32.ge_u (local.get $c) (local.get $wb)))
        (local.set $a0 (v128.load (i32.add (local.get $init) (local.get $c))))
        (local.set $p (i32.add (local.get $m) (local.get $c)))
        (local.set $vp (local.get $v))
        (block $k4done
          (loop $k4
            (br_if $k4done (i32.ge_u (local.get $vp) (local.get $vend)))
            (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.load32_splat (local.get $vp)) (v128.load (local.get $p)))))
            (local.set $p (i32.add (local.get $p) (local.get $rowBytes)))
            (local.set $vp (i32.add (local.get $vp) (i32.const 4)))
            (br $k4)))
        (v128.store (i32.add (local.get $out) (local.get $c)) (local.get $a0))
        (local.set $c (i32.add (local.get $c) (i32.const 16)))
        (br $b4))))

  ;; One GRU direction (Keras reset_after=false, gate order z r h) over n steps.
  ;; u: recurrent weights, hidden rows × 3·hidden columns. xptrs: n i32 byte offsets, in
  ;; step order, of each step's input projection x·W + b (3·hidden floats). h, cand, rh:
  ;; hidden each; gates: 2·hidden. pooled (hidden) receives max(0, max over steps of h).
  ;; hidden must be a multiple of 4.
  (func (export "gruDirection")
    (param $u i32) (param $xptrs i32) (param $n i32) (param $hidden i32)
    (param $h i32) (param $gates i32) (param $cand i32) (param $rh i32) (param $pooled i32)
    (local $s i32) (local $x i32) (local $j i32) (local $hb i32) (local $cols i32) (local $rows i32)
    (local $z v128) (local $hv v128) (local $hn v128)
    (local.set $hb (i32.shl (local.get $hidden) (i32.const 2)))
    (local.set $cols (i32.mul (local.get $hidden) (i32.const 3)))
    (local.set $j (i32.const 0))
    (block $zdone
      (loop $zero
        (br_if $zdone (i32.ge_u (local.get $j) (local.get $hb)))
        (v128.store (i32.add (local.get $h) (local.get $j)) (v128.const f32x4 0 0 0 0))
        (v128.store (i32.add (local.get $pooled) (local.get $j)) (v128.const f32x4 0 0 0 0))
        (local.set $j (i32.add (local.get $j) (i32.const 16)))
        (br $zero)))
    (local.set $s (i32.const 0))
    (block $sdone
      (loop $step
        (br_if $sdone (i32.ge_u (local.get $s) (local.get $n)))
        (local.set $x (i32.load (i32.add (local.get $xptrs) (i32.shl (local.get $s) (i32.const 2)))))
        ;; h is all zeros at the first step: its products are skipped (rows = 0 copies x)
        (local.set $rows (select (local.get $hidden) (i32.const 0) (local.get $s)))
        ;; z and r pre-activations: x·Wzr + b + h·Uzr
        (call $matvec (local.get $gates) (local.get $x) (local.get $h) (local.get $u) (local.get $rows) (local.get $cols) (i32.shl (local.get $hidden) (i32.const 1)))
        ;; e^{−x} of the z and r pre-activations, in place; then r ⊙ h with r = 1 / (1 + e^{−x})
        (call $expRows (local.get $gates) (local.get $gates) (i32.shl (local.get $hb) (i32.const 1)) (v128.const f32x4 -1 -1 -1 -1))
        (local.set $j (i32.const 0))
        (block $rdone
          (loop $r
            (br_if $rdone (i32.ge_u (local.get $j) (local.get $hb)))
            (v128.store (i32.add (local.get $rh) (local.get $j))
              (f32x4.mul (f32x4.div (v128.const f32x4 1 1 1 1)
                                    (f32x4.add (v128.const f32x4 1 1 1 1) (v128.load (i32.add (i32.add (local.get $gates) (local.get $hb)) (local.get $j)))))
                         (v128.load (i32.add (local.get $h) (local.get $j)))))
            (local.set $j (i32.add (local.get $j) (i32.const 16)))
            (br $r)))
        ;; candidate: x·Wh + b + (r ⊙ h)·Uh
        (call $matvec (local.get $cand) (i32.add (local.get $x) (i32.shl (local.get $hb) (i32.const 1))) (local.get $rh)
          (i32.add (local.get $u) (i32.shl (local.get $hb) (i32.const 1))) (local.get $rows) (local.get $cols) (local.get $hidden))
        ;; h = z ⊙ h + (1 − z) ⊙ tanh(candidate), from e^{2·candidate}; pooled = max(pooled, h)
        (call $expRows (local.get $cand) (local.get $cand) (local.get $hb) (v128.const f32x4 2 2 2 2))
        (local.set $j (i32.const 0))
        (block $udone
          (loop $upd
            (br_if $udone (i32.ge_u (local.get $j) (local.get $hb)))
            (local.set $z (f32x4.div (v128.const f32x4 1 1 1 1) (f32x4.add (v128.const f32x4 1 1 1 1) (v128.load (i32.add (local.get $gates) (local.get $j))))))
            (local.set $hv (v128.load (i32.add (local.get $h) (local.get $j))))
            (local.set $hn (f32x4.add (f32x4.mul (local.get $z) (local.get $hv))
                                      (f32x4.mul (f32x4.sub (v128.const f32x4 1 1 1 1) (local.get $z))
                                                 (f32x4.sub (v128.const f32x4 1 1 1 1)
                                                   (f32x4.div (v128.const f32x4 2 2 2 2)
                                                     (f32x4.add (v128.load (i32.add (local.get $cand) (local.get $j))) (v128.const f32x4 1 1 1 1)))))))
            (v128.store (i32.add (local.get $h) (local.get $j)) (local.get $hn))
            (v128.store (i32.add (local.get $pooled) (local.get $j))
              (f32x4.pmax (v128.load (i32.add (local.get $pooled) (local.get $j))) (local.get $hn)))
            (local.set $j (i32.add (local.get $j) (i32.const 16)))
            (br $upd)))
        (local.set $s (i32.add (local.get $s) (i32.const 1)))
        (br $step)))))
