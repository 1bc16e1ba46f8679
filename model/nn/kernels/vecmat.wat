;; out[c] += Σ_k v[k] · m[k·stride + c]  for c < width (width a multiple of 4), k < rows.
;; Pointers are byte offsets into the exported memory; stride and width count f32s.
;; Four rows per pass, 4 lanes per instruction (wasm SIMD128): the GRU predictor's
;; recurrent products, ~4x the scalar JavaScript loop.
(module
  (memory (export "memory") 1)
  (func (export "addVecMat")
    (param $out i32) (param $v i32) (param $m i32) (param $rows i32) (param $stride i32) (param $width i32)
    (local $k i32) (local $c i32) (local $o i32) (local $rowBytes i32)
    (local $r0 i32) (local $r1 i32) (local $r2 i32) (local $r3 i32)
    (local $v0 v128) (local $v1 v128) (local $v2 v128) (local $v3 v128)
    (local $acc v128)
    (local.set $rowBytes (i32.shl (local.get $stride) (i32.const 2)))
    (local.set $k (i32.const 0))
    ;; four rows at a time
    (block $quadDone
      (loop $quad
        (br_if $quadDone (i32.gt_u (i32.add (local.get $k) (i32.const 4)) (local.get $rows)))
        (local.set $v0 (f32x4.splat (f32.load (i32.add (local.get $v) (i32.shl (local.get $k) (i32.const 2))))))
        (local.set $v1 (f32x4.splat (f32.load offset=4 (i32.add (local.get $v) (i32.shl (local.get $k) (i32.const 2))))))
        (local.set $v2 (f32x4.splat (f32.load offset=8 (i32.add (local.get $v) (i32.shl (local.get $k) (i32.const 2))))))
        (local.set $v3 (f32x4.splat (f32.load offset=12 (i32.add (local.get $v) (i32.shl (local.get $k) (i32.const 2))))))
        (local.set $r0 (i32.add (local.get $m) (i32.mul (local.get $k) (local.get $rowBytes))))
        (local.set $r1 (i32.add (local.get $r0) (local.get $rowBytes)))
        (local.set $r2 (i32.add (local.get $r1) (local.get $rowBytes)))
        (local.set $r3 (i32.add (local.get $r2) (local.get $rowBytes)))
        (local.set $c (i32.const 0))
        (block $colDone
          (loop $col
            (br_if $colDone (i32.ge_u (local.get $c) (i32.shl (local.get $width) (i32.const 2))))
            (local.set $o (i32.add (local.get $out) (local.get $c)))
            (local.set $acc (v128.load (local.get $o)))
            (local.set $acc (f32x4.add (local.get $acc) (f32x4.mul (local.get $v0) (v128.load (i32.add (local.get $r0) (local.get $c))))))
            (local.set $acc (f32x4.add (local.get $acc) (f32x4.mul (local.get $v1) (v128.load (i32.add (local.get $r1) (local.get $c))))))
            (local.set $acc (f32x4.add (local.get $acc) (f32x4.mul (local.get $v2) (v128.load (i32.add (local.get $r2) (local.get $c))))))
            (local.set $acc (f32x4.add (local.get $acc) (f32x4.mul (local.get $v3) (v128.load (i32.add (local.get $r3) (local.get $c))))))
            (v128.store (local.get $o) (local.get $acc))
            (local.set $c (i32.add (local.get $c) (i32.const 16)))
            (br $col)))
        (local.set $k (i32.add (local.get $k) (i32.const 4)))
        (br $quad)))
    ;; remaining rows one at a time
    (block $done
      (loop $single
        (br_if $done (i32.ge_u (local.get $k) (local.get $rows)))
        (local.set $v0 (f32x4.splat (f32.load (i32.add (local.get $v) (i32.shl (local.get $k) (i32.const 2))))))
        (local.set $r0 (i32.add (local.get $m) (i32.mul (local.get $k) (local.get $rowBytes))))
        (local.set $c (i32.const 0))
        (block $colDone1
          (loop $col1
            (br_if $colDone1 (i32.ge_u (local.get $c) (i32.shl (local.get $width) (i32.const 2))))
            (local.set $o (i32.add (local.get $out) (local.get $c)))
            (v128.store (local.get $o)
              (f32x4.add (v128.load (local.get $o)) (f32x4.mul (local.get $v0) (v128.load (i32.add (local.get $r0) (local.get $c))))))
            (local.set $c (i32.add (local.get $c) (i32.const 16)))
            (br $col1)))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br $single)))))
