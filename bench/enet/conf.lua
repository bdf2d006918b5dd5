-- Headless LÖVE: no window, no graphics, no audio; the bench runs in love.load and exits.
function love.conf(t)
  t.window = false
  t.console = false
  t.identity = "steam-messages-bench"
  for _, m in ipairs({ "audio", "data", "font", "graphics", "image", "joystick", "keyboard",
      "math", "mouse", "physics", "sound", "system", "touch", "video", "window", "thread" }) do
    t.modules[m] = false
  end
  t.modules.timer = true
  t.modules.event = true
end
