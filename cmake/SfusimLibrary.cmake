# sfusim_add_library(<lib> [PUBLIC deps...] [PRIVATE deps...])
# One library per folder: sources are <folder>/src/**.cpp, public headers <folder>/include/sfusim/<lib>/.
# The target is sfusim_<lib> with the alias sfusim::<lib>. A folder without sources yet becomes an
# INTERFACE library so that the layout and the dependency direction already hold.
function(sfusim_add_library lib)
  cmake_parse_arguments(ARG "" "" "PUBLIC;PRIVATE" ${ARGN})
  file(GLOB_RECURSE srcs CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/src/*.cpp)
  set(target sfusim_${lib})
  if(srcs)
    add_library(${target} STATIC ${srcs})
    target_include_directories(${target} PUBLIC ${CMAKE_CURRENT_SOURCE_DIR}/include
                                         PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/src)
    target_link_libraries(${target} PUBLIC ${ARG_PUBLIC} PRIVATE ${ARG_PRIVATE})
  else()
    add_library(${target} INTERFACE)
    if(EXISTS ${CMAKE_CURRENT_SOURCE_DIR}/include)
      target_include_directories(${target} INTERFACE ${CMAKE_CURRENT_SOURCE_DIR}/include)
    endif()
    target_link_libraries(${target} INTERFACE ${ARG_PUBLIC} ${ARG_PRIVATE})
  endif()
  add_library(sfusim::${lib} ALIAS ${target})
endfunction()
