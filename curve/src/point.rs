//! Points of edwards25519 (-x^2 + y^2 = 1 + d x^2 y^2) in extended
//! coordinates (X : Y : Z : T), x = X/Z, y = Y/Z, xy = T/Z, two at a time.
//! The formulas are curve25519-dalek's (Hisil, Wong, Carter and Dawson),
//! complete on this curve: they hold for every pair of points, small-order
//! ones included, so the sum below is exact whatever the inputs.

use crate::field::{Fe, Field2};

/// One point at rest (a bucket of the multiscalar multiplication).
#[derive(Clone, Copy, Debug)]
pub struct Point {
    pub x: Fe,
    pub y: Fe,
    pub z: Fe,
    pub t: Fe,
}

/// A point with Z = 1, kept ready for addition: (y + x, y - x, 2dxy).
#[derive(Clone, Copy, Debug)]
pub struct Affine {
    pub y_plus_x: Fe,
    pub y_minus_x: Fe,
    pub xy2d: Fe,
}

/// Two points in extended coordinates, one per lane.
#[derive(Clone, Copy)]
pub struct Point2 {
    x: Field2,
    y: Field2,
    z: Field2,
    t: Field2,
}

/// Two points ready for addition, one per lane.
#[derive(Clone, Copy)]
pub struct Affine2 {
    y_plus_x: Field2,
    y_minus_x: Field2,
    xy2d: Field2,
}

impl Point {
    pub const IDENTITY: Point = Point {
        x: Fe::ZERO,
        y: Fe::ONE,
        z: Fe::ONE,
        t: Fe::ZERO,
    };
}

impl Affine {
    /// Adds nothing: the identity, ready for addition.
    pub const IDENTITY: Affine = Affine {
        y_plus_x: Fe::ONE,
        y_minus_x: Fe::ONE,
        xy2d: Fe::ZERO,
    };
}

impl Affine2 {
    #[inline(never)]
    pub fn new(a: &Affine, b: &Affine) -> Affine2 {
        Affine2 {
            y_plus_x: Field2::join(&a.y_plus_x, &b.y_plus_x),
            y_minus_x: Field2::join(&a.y_minus_x, &b.y_minus_x),
            xy2d: Field2::join(&a.xy2d, &b.xy2d),
        }
    }

    /// From affine coordinates (x, y).
    #[inline(never)]
    pub fn from_xy(x: Field2, y: Field2) -> Affine2 {
        Affine2 {
            y_plus_x: y + x,
            y_minus_x: y - x,
            xy2d: x * y * Field2::splat(&Fe::D2),
        }
    }

    /// The points' negations (-x, y): y + x and y - x trade places.
    #[inline(never)]
    pub fn neg(&self) -> Affine2 {
        Affine2 {
            y_plus_x: self.y_minus_x,
            y_minus_x: self.y_plus_x,
            xy2d: -self.xy2d,
        }
    }

    #[inline(never)]
    pub fn lanes(&self) -> [Affine; 2] {
        let [p0, p1] = self.y_plus_x.lanes();
        let [m0, m1] = self.y_minus_x.lanes();
        let [t0, t1] = self.xy2d.lanes();
        [
            Affine {
                y_plus_x: p0,
                y_minus_x: m0,
                xy2d: t0,
            },
            Affine {
                y_plus_x: p1,
                y_minus_x: m1,
                xy2d: t1,
            },
        ]
    }
}

/// The sum or double before its last four multiplications.
struct Completed {
    x: Field2,
    y: Field2,
    z: Field2,
    t: Field2,
}

impl Completed {
    #[inline(never)]
    fn extended(&self) -> Point2 {
        Point2 {
            x: self.x * self.t,
            y: self.y * self.z,
            z: self.z * self.t,
            t: self.x * self.y,
        }
    }
}

impl Point2 {
    #[inline(never)]
    pub fn new(a: &Point, b: &Point) -> Point2 {
        Point2 {
            x: Field2::join(&a.x, &b.x),
            y: Field2::join(&a.y, &b.y),
            z: Field2::join(&a.z, &b.z),
            t: Field2::join(&a.t, &b.t),
        }
    }

    pub fn from_xy(x: Field2, y: Field2) -> Point2 {
        Point2 {
            x,
            y,
            z: Field2::splat(&Fe::ONE),
            t: x * y,
        }
    }

    #[inline(never)]
    pub fn lanes(&self) -> [Point; 2] {
        let [x0, x1] = self.x.split();
        let [y0, y1] = self.y.split();
        let [z0, z1] = self.z.split();
        let [t0, t1] = self.t.split();
        [
            Point {
                x: x0,
                y: y0,
                z: z0,
                t: t0,
            },
            Point {
                x: x1,
                y: y1,
                z: z1,
                t: t1,
            },
        ]
    }

    /// Adds a point with Z = 1: seven multiplications.
    #[inline(never)]
    pub fn add_affine(&self, other: &Affine2) -> Point2 {
        let pp = (self.y + self.x) * other.y_plus_x;
        let mm = (self.y - self.x) * other.y_minus_x;
        let txy2d = self.t * other.xy2d;
        let z2 = self.z + self.z;
        Completed {
            x: pp - mm,
            y: pp + mm,
            z: z2 + txy2d,
            t: z2 - txy2d,
        }
        .extended()
    }

    /// Adds any point: nine multiplications.
    #[inline(never)]
    pub fn add(&self, other: &Point2) -> Point2 {
        let pp = (self.y + self.x) * (other.y + other.x);
        let mm = (self.y - self.x) * (other.y - other.x);
        let tt2d = self.t * (other.t * Field2::splat(&Fe::D2));
        let zz = self.z * other.z;
        let zz2 = zz + zz;
        Completed {
            x: pp - mm,
            y: pp + mm,
            z: zz2 + tt2d,
            t: zz2 - tt2d,
        }
        .extended()
    }

    /// Twice each point.
    #[inline(never)]
    pub fn double(&self) -> Point2 {
        let xx = self.x.square();
        let yy = self.y.square();
        let zz2 = self.z.square2();
        let x_plus_y_sq = (self.x + self.y).square();
        let yy_plus_xx = yy + xx;
        let yy_minus_xx = yy - xx;
        Completed {
            x: x_plus_y_sq - yy_plus_xx,
            y: yy_plus_xx,
            z: yy_minus_xx,
            t: zz2 - yy_minus_xx,
        }
        .extended()
    }

    /// The same points with Z = 1, ready for addition (one inversion).
    #[inline(never)]
    pub fn affine(&self) -> Affine2 {
        let z_inv = self.z.invert();
        Affine2::from_xy(self.x * z_inv, self.y * z_inv)
    }

    /// Whether each lane is the identity: x = 0 and y = 1, that is X = 0
    /// and Y = Z.
    pub fn is_identity(&self) -> [bool; 2] {
        let [x0, x1] = self.x.lanes();
        let [d0, d1] = (self.y - self.z).lanes();
        [x0.is_zero() && d0.is_zero(), x1.is_zero() && d1.is_zero()]
    }
}
