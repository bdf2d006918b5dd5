-- LÖVE 11 configuration for the two-window example. With SM_LOVE_TEST=<seconds> in the environment
-- the game runs headless (no window, no graphics, no audio): it prints what happens to stdout and
-- quits after that many seconds. tests/e2e/love_two_instances.sh runs it that way.
function love.conf(t)
  t.identity = "steam-messages-example"
  t.version = "11.0"
  t.console = false
  t.window.title = "steam-messages: LÖVE example"
  t.window.width, t.window.height = 640, 420
  t.modules.physics = false
  t.modules.video = false
  t.modules.joystick = false
  t.modules.audio = false  -- the example makes no sound
  t.modules.sound = false
  if os.getenv("SM_LOVE_TEST") then
    t.window = false
    for _, m in ipairs { "graphics", "window", "image", "font", "mouse", "keyboard", "touch" } do
      t.modules[m] = false
    end
  end
end
