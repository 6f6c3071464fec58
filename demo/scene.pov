#version 3.7;
global_settings { assumed_gamma 1.0 }
camera { location <0, 2.2, -6> look_at <0, 0.6, 0> }
light_source { <4, 8, -6> color rgb 1.2 }
light_source { <-6, 4, -3> color rgb 0.35 }
sky_sphere { pigment { gradient y color_map { [0 color rgb <0.55,0.65,0.85>] [1 color rgb <0.1,0.2,0.45>] } } }
plane { y, 0 pigment { checker color rgb 0.9 color rgb 0.25 scale 0.8 } finish { reflection 0.15 } }
#declare Angle = clock * 360;
union {
  torus { 1.0, 0.28 rotate <90, 0, 0> pigment { color rgb <0.9, 0.35, 0.1> } finish { phong 0.8 reflection 0.2 } }
  sphere { <0, 0, 0>, 0.55 pigment { color rgb <0.2, 0.6, 0.95> } finish { phong 0.9 reflection 0.3 } }
  rotate <0, Angle, 0>
  translate <0, 1.3 + 0.3 * sin(clock * 2 * pi), 0>
}
